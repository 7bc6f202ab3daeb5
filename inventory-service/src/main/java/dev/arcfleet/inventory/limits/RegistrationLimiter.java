package dev.arcfleet.inventory.limits;

import dev.arcfleet.support.security.Roles;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/** One token bucket per caller; {@link #take} says whether a request of so many registrations may go ahead. */
@ApplicationScoped
public class RegistrationLimiter {
    static final int MAX_BUCKETS = 50_000;

    /** Allowed, or refused with when to retry; {@code neverFits} when the request is larger than the caller's burst. */
    public record Verdict(boolean allowed, Duration retryAfter, boolean neverFits, int burst) {
        static final Verdict ALLOWED = new Verdict(true, Duration.ZERO, false, 0);
    }

    static final class Bucket {
        private final double perSecond;
        private final int burst;
        private double tokens;
        private long refilledAt;

        Bucket(RateLimitConfig.Budget budget, long now) {
            this.perSecond = budget.perSecond();
            this.burst = budget.burst();
            this.tokens = burst;
            this.refilledAt = now;
        }

        synchronized Verdict take(int items, long now) {
            if (items > burst) {
                return new Verdict(false, Duration.ZERO, true, burst);
            }
            tokens = Math.min(burst, tokens + (now - refilledAt) / 1e9 * perSecond);
            refilledAt = now;
            if (tokens >= items) {
                tokens -= items;
                return Verdict.ALLOWED;
            }
            long waitNanos = (long) Math.ceil((items - tokens) / perSecond * 1e9);
            return new Verdict(false, Duration.ofNanos(waitNanos), false, burst);
        }

        synchronized boolean full(long now) {
            return tokens + (now - refilledAt) / 1e9 * perSecond >= burst;
        }
    }

    private final RateLimitConfig config;
    private final LongSupplier clock;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    @Inject
    public RegistrationLimiter(RateLimitConfig config) {
        this(config, System::nanoTime);
    }

    RegistrationLimiter(RateLimitConfig config, LongSupplier clock) {
        this.config = config;
        this.clock = clock;
    }

    public Verdict take(SecurityIdentity caller, int items) {
        if (!config.enabled()) {
            return Verdict.ALLOWED;
        }
        boolean device = !caller.hasRole(Roles.OPERATOR);
        String site = caller.getAttribute(Roles.SITE_ATTRIBUTE);
        String key = (device ? "registrar:" : "operator:")
                + caller.getPrincipal().getName()
                + (site == null ? "" : "@" + site);
        long now = clock.getAsLong();
        if (buckets.size() >= MAX_BUCKETS) {
            buckets.values().removeIf(b -> b.full(now)); // a full bucket is the same as a new one
        }
        return buckets.computeIfAbsent(key, k -> new Bucket(device ? config.registrar() : config.operator(), now))
                .take(items, now);
    }
}
