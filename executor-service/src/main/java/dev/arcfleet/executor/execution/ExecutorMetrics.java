package dev.arcfleet.executor.execution;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The executor's signals:
 * <ul>
 * <li>{@code fleet_executions_total{route, state}}: executions STARTED, SUCCEEDED and FAILED by this instance;</li>
 * <li>{@code fleet_executions{route, state}}: executions in the database by state now (all instances), read every
 * 15 s;</li>
 * <li>{@code fleet_step_attempts_seconds{route, step, outcome}}: each attempt of a step (one call or poll);</li>
 * <li>{@code fleet_step_duration_seconds{route, step}}: a step from its first attempt to its success;</li>
 * <li>{@code arcfleet_executor_backlog}: executions due now that no worker holds (all instances), read every 15 s: what
 * KEDA scales the executors on. Executions waiting for the ARM budget or an operation are not due, so more replicas
 * are asked for only when workers, not ARM, are short.</li>
 * </ul>
 * Counts are recorded after the transaction that made the transition commits.
 */
@ApplicationScoped
public class ExecutorMetrics {
    private final MeterRegistry registry;
    private final EntityManager entityManager;
    private final MultiGauge current;
    private final AtomicLong backlog = new AtomicLong();

    public ExecutorMetrics(MeterRegistry registry, EntityManager entityManager) {
        this.registry = registry;
        this.entityManager = entityManager;
        this.current = MultiGauge.builder("fleet.executions")
                .description("executions by route and state, as stored now")
                .register(registry);
        Gauge.builder("arcfleet.executor.backlog", backlog, AtomicLong::get)
                .description("executions due now that no worker holds, all instances")
                .register(registry);
    }

    public void transition(String route, String state) {
        registry.counter("fleet.executions.transitions", "route", route, "state", state)
                .increment();
    }

    public void attempt(String route, String step, String outcome, Duration took) {
        registry.timer("fleet.step.attempts", "route", route, "step", step, "outcome", outcome)
                .record(took);
    }

    public void stepDone(String route, String step, Duration took) {
        registry.timer("fleet.step.duration", "route", route, "step", step).record(took);
    }

    @Scheduled(every = "15s", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    @Transactional
    void refresh() {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager
                .createNativeQuery("select route, state, count(*) from execution group by route, state")
                .getResultList();
        current.register(
                rows.stream()
                        .map(r -> MultiGauge.Row.of(
                                Tags.of("route", String.valueOf(r[0]), "state", String.valueOf(r[1])),
                                ((Number) r[2]).doubleValue()))
                        .toList(),
                true);
        backlog.set(((Number) entityManager.createNativeQuery("""
                select count(*) from execution
                where state in ('PENDING', 'RUNNING') and next_run_at <= now()
                  and (lease_until is null or lease_until < now())""").getSingleResult()).longValue());
    }
}
