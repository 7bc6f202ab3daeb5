package dev.arcfleet.inventory.limits;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Registrations each caller may send, counted in items (a bulk of 500 costs 500), as a token bucket per token. Device
 * (registrar) tokens get a small budget, people and importers (operator, admin) a large one. The buckets live in each
 * inventory-service replica: with N replicas behind a load balancer a caller gets up to N times the rate.
 */
@ConfigMapping(prefix = "fleet.registrations.rate-limit")
public interface RateLimitConfig {
    @WithDefault("true")
    boolean enabled();

    Budget registrar();

    Budget operator();

    interface Budget {
        /** Items per second the bucket refills. */
        double perSecond();

        /** Items the bucket holds: the largest burst, and the largest bulk this caller may send at all. */
        int burst();
    }
}
