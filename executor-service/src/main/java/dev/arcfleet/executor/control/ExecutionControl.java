package dev.arcfleet.executor.control;

import dev.arcfleet.executor.engine.ExecutionSnapshot;
import dev.arcfleet.executor.engine.StepTransitions;
import dev.arcfleet.executor.engine.Transition;
import dev.arcfleet.executor.execution.ExecutionEntity;
import dev.arcfleet.executor.execution.ExecutionWorkers;
import dev.arcfleet.executor.execution.StatusPublisher;
import dev.arcfleet.support.log.LogSafe;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What an operator may do to a plan's latest execution: cancel it while it runs, retry it once it failed. Both take
 * the execution's row lock, so a worker finishing a step at the same moment either lands first (and the operator sees
 * the new state) or finds the execution changed and drops its result.
 */
@ApplicationScoped
public class ExecutionControl {
    /** Why an operator action is not possible in the execution's current state (a 409). */
    public static class Conflict extends RuntimeException {
        public Conflict(String message) {
            super(message);
        }
    }

    private final EntityManager entityManager;
    private final StatusPublisher status;
    private final ExecutionWorkers workers;
    private final StepTransitions transitions = StepTransitions.withRandomJitter();

    public ExecutionControl(EntityManager entityManager, StatusPublisher status, ExecutionWorkers workers) {
        this.entityManager = entityManager;
        this.status = status;
        this.workers = workers;
    }

    /**
     * Ends a PENDING or RUNNING execution as FAILED with the operator's reason. A call already sent to Azure is not
     * undone: what it created is found and adopted if the execution is retried. A worker inside a step keeps its lease
     * until its call returns, so nothing else of the plan (its offboarding, a retry) starts while that call is out.
     */
    @Transactional
    public Optional<ExecutionEntity> cancel(String planId, String operator, String reason) {
        return latest(planId).map(execution -> {
            if (!StepTransitions.cancellable(execution.state)) {
                throw new Conflict("the execution of plan " + planId + " already ended " + execution.state
                        + "; only a PENDING or RUNNING execution can be cancelled");
            }
            Instant now = Instant.now();
            ExecutionSnapshot before = execution.snapshot();
            Transition transition = transitions.cancel(before, operator, reason, now);
            execution.take(before, transition.next());
            execution.updatedAt = now;
            status.publish(execution, transition.events());
            Log.infof(
                    "plan %s cancelled by %s correlation %s",
                    LogSafe.of(planId), LogSafe.of(operator), LogSafe.of(execution.correlationId));
            return execution;
        });
    }

    /**
     * Runs a FAILED execution again from the step that failed (the steps before it stay done). Every step reads before
     * it writes, so resources the failed attempt did create are adopted, not created twice.
     */
    @Transactional
    public Optional<ExecutionEntity> retry(String planId, String operator) {
        return latest(planId).map(execution -> {
            if (!StepTransitions.retryable(execution.state)) {
                throw new Conflict("the execution of plan " + planId + " is " + execution.state
                        + "; only a FAILED execution can be retried");
            }
            Instant now = Instant.now();
            ExecutionSnapshot before = execution.snapshot();
            Transition transition = transitions.retry(before, operator, now);
            execution.take(before, transition.next());
            // a lease still held (a cancelled step's call not back yet) stays: no second worker runs that step
            execution.updatedAt = now;
            status.publish(execution, transition.events());
            workers.wakeUpAfterCommit();
            Log.infof(
                    "plan %s retried by %s from step %s correlation %s",
                    LogSafe.of(planId),
                    LogSafe.of(operator),
                    before.step().name(),
                    LogSafe.of(execution.correlationId));
            return execution;
        });
    }

    private Optional<ExecutionEntity> latest(String planId) {
        List<String> ids = entityManager
                .createQuery(
                        "select e.executionId from ExecutionEntity e where e.planId = :planId order by e.createdAt desc",
                        String.class)
                .setParameter("planId", planId)
                .setMaxResults(1)
                .getResultList();
        return ids.stream()
                .findFirst()
                .map(id -> entityManager.find(ExecutionEntity.class, id, LockModeType.PESSIMISTIC_WRITE));
    }
}
