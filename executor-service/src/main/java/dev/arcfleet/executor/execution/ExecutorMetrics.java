package dev.arcfleet.executor.execution;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.time.Duration;
import java.util.List;

/**
 * The executor's signals:
 * <ul>
 * <li>{@code fleet_executions_total{route, state}}: executions STARTED, SUCCEEDED and FAILED by this instance;</li>
 * <li>{@code fleet_executions{route, state}}: executions in the database by state now (all instances), read every
 * 15 s;</li>
 * <li>{@code fleet_step_attempts_seconds{route, step, outcome}}: each attempt of a step (one call or poll);</li>
 * <li>{@code fleet_step_duration_seconds{route, step}}: a step from its first attempt to its success.</li>
 * </ul>
 * Counts are recorded after the transaction that made the transition commits.
 */
@ApplicationScoped
public class ExecutorMetrics {
    private final MeterRegistry registry;
    private final EntityManager entityManager;
    private final MultiGauge current;

    public ExecutorMetrics(MeterRegistry registry, EntityManager entityManager) {
        this.registry = registry;
        this.entityManager = entityManager;
        this.current = MultiGauge.builder("fleet.executions")
                .description("executions by route and state, as stored now").register(registry);
    }

    public void transition(String route, String state) {
        registry.counter("fleet.executions.transitions", "route", route, "state", state).increment();
    }

    public void attempt(String route, String step, String outcome, Duration took) {
        registry.timer("fleet.step.attempts", "route", route, "step", step, "outcome", outcome).record(took);
    }

    public void stepDone(String route, String step, Duration took) {
        registry.timer("fleet.step.duration", "route", route, "step", step).record(took);
    }

    @Scheduled(every = "15s", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    @Transactional
    void refresh() {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager.createNativeQuery(
                "select route, state, count(*) from execution group by route, state").getResultList();
        current.register(rows.stream()
                .map(r -> MultiGauge.Row.of(Tags.of("route", String.valueOf(r[0]), "state", String.valueOf(r[1])),
                        ((Number) r[2]).doubleValue()))
                .toList(), true);
    }
}
