package dev.arcfleet.planner.metrics;

import dev.arcfleet.contracts.Decision;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;

/**
 * {@code fleet_decisions_total{route, degraded}}: decisions published (a re-decision with the same outcome publishes
 * nothing and is not counted). {@code fleet_registration_to_plan_seconds}: from the moment the inventory observed
 * the facts to the decision's commit, as a histogram with buckets, so dashboards can take percentiles across
 * instances.
 */
@ApplicationScoped
public class PlannerMetrics {
    private final MeterRegistry registry;
    private final Timer latency;

    public PlannerMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.latency = Timer.builder("fleet.registration.to.plan")
                .description("from the inventory observing a node's facts to the planner committing its decision")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(10))
                .register(registry);
    }

    public void decided(Decision decision, Instant observedAt, Instant committedAt) {
        registry.counter(
                        "fleet.decisions",
                        "route",
                        decision.route().name(),
                        "degraded",
                        Boolean.toString(decision.degraded()))
                .increment();
        if (observedAt != null && !committedAt.isBefore(observedAt)) {
            latency.record(Duration.between(observedAt, committedAt));
        }
    }
}
