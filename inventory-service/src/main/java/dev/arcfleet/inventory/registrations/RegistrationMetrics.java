package dev.arcfleet.inventory.registrations;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * {@code fleet_registrations_total{source, outcome}}: every registration item the inventory judged, by where it came
 * from (REGISTRATION over REST or Kafka, IMPORT, KUBERNETES) and what became of it (ACCEPTED, UNCHANGED, REJECTED).
 */
@ApplicationScoped
public class RegistrationMetrics {
    public static final String NAME = "fleet.registrations";

    private final MeterRegistry registry;

    public RegistrationMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void count(String source, String outcome, long n) {
        if (n > 0) {
            registry.counter(NAME, "source", source, "outcome", outcome).increment(n);
        }
    }
}
