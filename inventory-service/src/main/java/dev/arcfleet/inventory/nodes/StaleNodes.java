package dev.arcfleet.inventory.nodes;

import io.quarkus.runtime.configuration.DurationConverter;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * When a node is stale: not seen for longer than {@code inventory.stale.after} (a duration, {@code off} by default: no
 * node is stale). Stale nodes are only listed; an operator retires them.
 */
@ApplicationScoped
public class StaleNodes {
    private final Optional<Duration> after;

    public StaleNodes(@ConfigProperty(name = "inventory.stale.after", defaultValue = "off") String after) {
        this.after = parse(after);
    }

    static Optional<Duration> parse(String value) {
        if (value == null || value.isBlank() || "off".equalsIgnoreCase(value.trim())) {
            return Optional.empty();
        }
        Duration duration = DurationConverter.parseDuration(value.trim());
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(
                    "inventory.stale.after must be a positive duration or off, got " + value);
        }
        return Optional.of(duration);
    }

    /** The threshold, or empty when it is off. */
    public Optional<Duration> after() {
        return after;
    }

    /** Nodes last seen before this time are stale; empty when the threshold is off. */
    public Optional<Instant> cutoff(Instant now) {
        return after.map(now::minus);
    }
}
