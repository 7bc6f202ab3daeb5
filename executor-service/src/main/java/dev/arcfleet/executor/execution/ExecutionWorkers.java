package dev.arcfleet.executor.execution;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arcfleet.contracts.OnboardingPlan;
import dev.arcfleet.contracts.StatusType;
import dev.arcfleet.executor.apply.DryRunApplier;
import dev.arcfleet.executor.apply.LiveApplier;
import dev.arcfleet.executor.apply.StepApplier;
import dev.arcfleet.executor.apply.StepContext;
import dev.arcfleet.executor.azure.ArmAccounts;
import dev.arcfleet.executor.config.ExecutorConfig;
import dev.arcfleet.executor.engine.ExecutionSnapshot;
import dev.arcfleet.executor.engine.ExecutionState;
import dev.arcfleet.executor.engine.StepOutcome;
import dev.arcfleet.executor.engine.StepState;
import dev.arcfleet.executor.engine.StepTransitions;
import dev.arcfleet.executor.engine.Transition;
import dev.arcfleet.executor.kube.ClusterClients;
import dev.arcfleet.executor.route.StepSpec;
import dev.arcfleet.support.log.Correlation;
import dev.arcfleet.support.log.LogSafe;
import dev.arcfleet.support.retry.RetryPolicy;
import dev.arcfleet.support.tx.AfterCommit;
import dev.arcfleet.support.worker.ManagedWorker;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The worker pool that drives executions step by step. A worker leases one runnable execution (row lock, skip
 * locked), runs its current step outside any transaction, then records the outcome and its status event in one
 * transaction. While a step runs, a keeper renews the leases of the executions in this process's hands every third of
 * the lease, so a step that outlasts the lease (a slow ARM call, a cold start) is not taken over and run twice; a
 * worker that dies leaves a lease that expires, and another worker resumes from the last finished step.
 */
@ApplicationScoped
public class ExecutionWorkers {
    /** The longest pause after worker turns that failed one after another (the first pause is the poll interval). */
    static final Duration ITERATION_FAILURE_MAX = Duration.ofSeconds(30);

    static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
    private final ExecutorConfig config;
    private final EntityManager entityManager;
    private final StatusPublisher status;
    private final StepPlans stepPlans;
    private final ObjectMapper mapper;
    private final AfterCommit afterCommit;
    private final ArmAccounts armAccounts;
    private final ClusterClients clusters;
    private final ExecutorMetrics metrics;
    private final StepTransitions transitions = StepTransitions.withRandomJitter();
    private final ManagedWorker pool;
    private final ManagedWorker leaseKeeper;
    /** The executions whose step a worker of this process is running now (their leases are renewed). */
    private final Set<String> inHand = ConcurrentHashMap.newKeySet();

    private StepApplier applier;

    public ExecutionWorkers(
            ExecutorConfig config,
            EntityManager entityManager,
            StatusPublisher status,
            StepPlans stepPlans,
            ObjectMapper mapper,
            AfterCommit afterCommit,
            ArmAccounts armAccounts,
            ClusterClients clusters,
            ExecutorMetrics metrics) {
        this.metrics = metrics;
        this.armAccounts = armAccounts;
        this.clusters = clusters;
        this.config = config;
        this.entityManager = entityManager;
        this.status = status;
        this.stepPlans = stepPlans;
        this.mapper = mapper;
        this.afterCommit = afterCommit;
        this.pool = ManagedWorker.named("execution-worker")
                .threads(config.workers())
                .idleWait(config.pollInterval())
                // one idle worker looks for due executions each poll interval, not all of them: eight idle workers
                // ran forty claim transactions a second; a worker that claims one wakes another, a step that waits
                // (an ARM operation polled later) tells the pool when it is due, and new executions wake it on commit
                .oneIdlePoller()
                .onFailure(RetryPolicy.exponential(config.pollInterval(), ITERATION_FAILURE_MAX))
                .stopTimeout(STOP_TIMEOUT)
                .build(this::runOne);
        Duration renewEvery = config.lease().dividedBy(3);
        this.leaseKeeper = ManagedWorker.named("execution-lease-keeper")
                .idleWait(renewEvery)
                .onFailure(RetryPolicy.exponential(renewEvery, renewEvery))
                .stopTimeout(STOP_TIMEOUT)
                .build(() -> {
                    renewLeases();
                    return false;
                });
    }

    void start(@Observes StartupEvent event) {
        applier = switch (config.mode()) {
            case DRY_RUN ->
                new DryRunApplier(
                        mapper,
                        config.dryRun()
                                .failTargets()
                                .map(java.util.regex.Pattern::compile)
                                .orElse(null),
                        config.dryRun().failReason());
            case LIVE -> new LiveApplier(armAccounts::forPlan, clusters, mapper, config, stepPlans::placeholdersOf);
        };
        pool.start();
        leaseKeeper.start();
        Log.infof("executor started in %s mode with %d workers", config.mode().value(), config.workers());
    }

    void stop(@Observes ShutdownEvent event) {
        pool.stop();
        leaseKeeper.stop();
    }

    /**
     * Moves the lease of every execution in this process's hands one lease ahead. Only a lease still held counts: a
     * completion clears it in the transaction that records the outcome, so a renewal that comes after does nothing.
     */
    int renewLeases() {
        if (inHand.isEmpty()) {
            return 0;
        }
        List<String> ids = List.copyOf(inHand);
        return QuarkusTransaction.requiringNew()
                .call(() -> entityManager
                        .createNativeQuery("update execution set lease_until = :until"
                                + " where execution_id in (:ids) and lease_until is not null")
                        .setParameter("until", Instant.now().plus(config.lease()))
                        .setParameter("ids", ids)
                        .executeUpdate());
    }

    /** Wakes idle workers once the current transaction commits (a new execution is runnable); once per transaction. */
    public void wakeUpAfterCommit() {
        afterCommit.runOnce(ExecutionWorkers.class, pool::wakeUp);
    }

    record Claim(
            String executionId,
            int stepIndex,
            int attempt,
            String planJson,
            Instant stepStartedAt,
            String operation,
            String route,
            String step,
            String correlationId,
            boolean started) {}

    /** Runs one step of one runnable execution; false when there was nothing to run. */
    boolean runOne() {
        Claim claim = QuarkusTransaction.requiringNew().call(this::claim);
        if (claim == null) {
            return false;
        }
        // one more worker looks for due executions while this one runs the step
        pool.wakeOne();
        StepOutcome outcome;
        long began = System.nanoTime();
        inHand.add(claim.executionId());
        try (Correlation.Scope ignored = Correlation.open(claim.correlationId())) {
            if (claim.started()) {
                metrics.transition(claim.route(), "STARTED");
            }
            try {
                OnboardingPlan plan = mapper.readValue(claim.planJson(), OnboardingPlan.class);
                List<StepSpec> steps = stepPlans.stepsOf(plan);
                outcome = applier.apply(new StepContext(
                        plan, steps.get(claim.stepIndex()), claim.attempt(), claim.stepStartedAt(), claim.operation()));
            } catch (Exception e) {
                outcome = StepOutcome.retry(e.getClass().getSimpleName() + ": " + e.getMessage(), Duration.ZERO);
            }
            StepOutcome result = outcome;
            Completed completed = QuarkusTransaction.requiringNew().call(() -> complete(claim, result));
            metrics.attempt(
                    claim.route(), claim.step(), outcome.kind().name(), Duration.ofNanos(System.nanoTime() - began));
            if (completed != null) {
                if (completed.stepTook() != null) {
                    metrics.stepDone(claim.route(), claim.step(), completed.stepTook());
                }
                if (completed.finished() != null) {
                    metrics.transition(claim.route(), completed.finished().name());
                } else if (completed.nextRunAt() != null
                        && completed.nextRunAt().isAfter(Instant.now())) {
                    // due later (a poll of an operation, a backoff): the idle poller looks then, not a poll later
                    pool.wakeUpIn(Duration.between(Instant.now(), completed.nextRunAt()));
                }
            }
        } finally {
            inHand.remove(claim.executionId());
        }
        return true;
    }

    /**
     * What a completion changed, counted once its transaction committed: how long the step took if it ended, the end
     * state if the execution ended, or else when it runs next.
     */
    record Completed(Duration stepTook, ExecutionState finished, Instant nextRunAt) {}

    /**
     * Claims the due execution that is furthest along (then the longest due): finishing what was started keeps the
     * ARM write budget busy while new executions still generate their keys, instead of every execution doing step one
     * before any does step two. An execution is not claimed while an older one of its plan is unfinished, or ended
     * while a worker still runs one of its steps (no two revisions of a plan run at once); one that a newer revision
     * replaced and that sits at a step boundary (its worker died after a step, say) is stopped there instead of
     * claimed.
     */
    private Claim claim() {
        while (true) {
            @SuppressWarnings("unchecked")
            List<String> ids = entityManager.createNativeQuery("""
                    select e.execution_id from execution e
                    where e.state in ('PENDING', 'RUNNING') and e.next_run_at <= now()
                      and (e.lease_until is null or e.lease_until < now())
                      and not exists (select 1 from execution o where o.plan_id = e.plan_id
                          and (o.state in ('PENDING', 'RUNNING') or o.lease_until >= now())
                          and o.created_at < e.created_at)
                    order by e.current_step desc, e.next_run_at limit 1 for update of e skip locked""").getResultList();
            if (ids.isEmpty()) {
                return null;
            }
            ExecutionEntity execution = entityManager.find(ExecutionEntity.class, ids.get(0));
            if (execution.supersededBy != null && StepTransitions.atStepBoundary(execution.snapshot())) {
                stopSuperseded(execution);
                continue;
            }
            return claim(execution);
        }
    }

    private void stopSuperseded(ExecutionEntity execution) {
        Instant now = Instant.now();
        ExecutionSnapshot before = execution.snapshot();
        Transition transition = transitions.stopSuperseded(before, execution.supersededBy, now);
        execution.take(before, transition.next());
        execution.leaseUntil = null;
        execution.updatedAt = now;
        status.publish(execution, transition.events());
        entityManager.flush();
        Log.infof(
                "plan %s revision %s %s correlation %s",
                LogSafe.of(execution.planId),
                LogSafe.of(execution.revision),
                execution.failureReason,
                LogSafe.of(execution.correlationId));
    }

    private Claim claim(ExecutionEntity execution) {
        Instant now = Instant.now();
        execution.leaseUntil = now.plus(config.lease());
        execution.updatedAt = now;
        boolean started = execution.state == ExecutionState.PENDING;
        if (started) {
            execution.state = ExecutionState.RUNNING;
            // an older revision may have reported after this one was accepted: its events stay before this one's
            execution.sequence = Math.max(execution.sequence, lastSequenceOf(execution.planId));
            status.publish(
                    execution,
                    StatusType.STARTED,
                    null,
                    execution.route + " on " + execution.targetKind + " " + execution.targetId + " (" + execution.mode
                            + ")");
        }
        ExecutionStepEntity step = execution.steps.get(execution.currentStep);
        if (step.startedAt == null) {
            step.startedAt = now;
        }
        step.state = StepState.RUNNING;
        step.attempts++;
        return new Claim(
                execution.executionId,
                execution.currentStep,
                step.attempts,
                execution.plan,
                step.startedAt,
                step.operation,
                execution.route.name(),
                step.name,
                execution.correlationId,
                started);
    }

    private long lastSequenceOf(String planId) {
        Number last = (Number) entityManager
                .createNativeQuery("select max(sequence) from execution where plan_id = :planId")
                .setParameter("planId", planId)
                .getSingleResult();
        return last == null ? 0 : last.longValue();
    }

    private Completed complete(Claim claim, StepOutcome outcome) {
        ExecutionEntity execution =
                entityManager.find(ExecutionEntity.class, claim.executionId(), LockModeType.PESSIMISTIC_WRITE);
        if (execution == null) {
            return null;
        }
        ExecutionStepEntity step = execution.steps.get(claim.stepIndex());
        if (!StepTransitions.resultCounts(
                execution.state, execution.currentStep, step.attempts, claim.stepIndex(), claim.attempt())) {
            Log.debugf(
                    "dropping a stale result of %s step %s (attempt %d; execution %s at step %d, attempt %d)",
                    LogSafe.of(execution.planId),
                    claim.step(),
                    claim.attempt(),
                    execution.state,
                    execution.currentStep,
                    step.attempts);
            if (execution.state.finished()) {
                // ended meanwhile (superseded by the other action): its lease held back the plan's newer execution
                execution.leaseUntil = null;
            }
            return null;
        }
        Instant now = Instant.now();
        execution.leaseUntil = null;
        execution.updatedAt = now;
        ExecutionSnapshot before = execution.snapshot();
        Transition transition = transitions.afterOutcome(before, outcome, now, execution.supersededBy);
        execution.take(before, transition.next());
        status.publish(execution, transition.events());
        if (execution.state == ExecutionState.SUPERSEDED) {
            Log.infof(
                    "plan %s revision %s %s correlation %s",
                    LogSafe.of(execution.planId),
                    LogSafe.of(execution.revision),
                    execution.failureReason,
                    LogSafe.of(execution.correlationId));
        } else if (execution.state == ExecutionState.SUCCEEDED) {
            Log.infof(
                    "plan %s succeeded correlation %s",
                    LogSafe.of(execution.planId), LogSafe.of(execution.correlationId));
        } else if (execution.state == ExecutionState.FAILED) {
            Log.warnf(
                    "plan %s failed correlation %s: %s",
                    LogSafe.of(execution.planId),
                    LogSafe.of(execution.correlationId),
                    LogSafe.of(execution.failureReason));
        }
        Duration stepTook = step.state == StepState.SUCCEEDED && step.startedAt != null
                ? Duration.between(step.startedAt, now)
                : null;
        boolean finished = execution.state.finished();
        return new Completed(stepTook, finished ? execution.state : null, finished ? null : execution.nextRunAt);
    }
}
