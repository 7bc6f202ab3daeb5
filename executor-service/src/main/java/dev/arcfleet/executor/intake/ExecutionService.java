package dev.arcfleet.executor.intake;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arcfleet.contracts.OnboardingPlan;
import dev.arcfleet.contracts.PlanAction;
import dev.arcfleet.executor.config.ExecutorConfig;
import dev.arcfleet.executor.engine.ExecutionSnapshot;
import dev.arcfleet.executor.engine.ExecutionState;
import dev.arcfleet.executor.engine.StepState;
import dev.arcfleet.executor.engine.StepTransitions;
import dev.arcfleet.executor.engine.Transition;
import dev.arcfleet.executor.execution.ExecutionEntity;
import dev.arcfleet.executor.execution.ExecutionStepEntity;
import dev.arcfleet.executor.execution.ExecutionWorkers;
import dev.arcfleet.executor.execution.StatusPublisher;
import dev.arcfleet.executor.execution.StepPlans;
import dev.arcfleet.executor.route.StepSpec;
import dev.arcfleet.support.log.LogSafe;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;

/**
 * Accepts plans: persists each plan revision once as an execution with its steps (its route's onboarding, or its
 * offboarding for a plan marked OFFBOARD), for the workers to drive.
 */
@ApplicationScoped
public class ExecutionService {
    private final StepPlans stepPlans;
    private final ExecutorConfig config;
    private final ObjectMapper mapper;
    private final EntityManager entityManager;
    private final ExecutionWorkers workers;
    private final StatusPublisher status;
    private final StepTransitions transitions = StepTransitions.withRandomJitter();

    public ExecutionService(
            StepPlans stepPlans,
            ExecutorConfig config,
            ObjectMapper mapper,
            EntityManager entityManager,
            ExecutionWorkers workers,
            StatusPublisher status) {
        this.status = status;
        this.stepPlans = stepPlans;
        this.config = config;
        this.mapper = mapper;
        this.entityManager = entityManager;
        this.workers = workers;
    }

    /** Returns false when this plan revision is already known (a redelivery or a replay): it executes once. */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean accept(OnboardingPlan plan, String correlationId) {
        String id = ExecutionEntity.idOf(plan.planId(), plan.revision());
        if (ExecutionEntity.findById(id) != null) {
            Log.debugf("plan %s revision %s already accepted", LogSafe.of(plan.planId()), LogSafe.of(plan.revision()));
            return false;
        }
        List<StepSpec> steps = stepPlans.stepsOf(plan);
        Instant now = Instant.now();
        PlanAction action = plan.offboarding() ? PlanAction.OFFBOARD : PlanAction.ONBOARD;
        supersedeOtherAction(plan, action, now);
        supersedeOlderRevisions(plan, action, now);
        ExecutionEntity execution = new ExecutionEntity();
        execution.executionId = id;
        execution.planId = plan.planId();
        execution.revision = plan.revision();
        execution.route = plan.route();
        execution.action = action;
        execution.targetKind = plan.target().kind();
        execution.targetId = plan.target().id();
        execution.correlationId = correlationId != null ? correlationId : plan.correlationId();
        execution.mode = config.mode().value();
        execution.state = ExecutionState.PENDING;
        execution.plan = toJson(plan);
        execution.sequence = lastSequenceOf(plan.planId());
        execution.nextRunAt = now;
        execution.createdAt = now;
        execution.updatedAt = now;
        for (int i = 0; i < steps.size(); i++) {
            ExecutionStepEntity step = new ExecutionStepEntity();
            step.key.executionId = id;
            step.key.idx = i;
            step.idx = i;
            step.execution = execution;
            step.name = steps.get(i).name();
            step.state = StepState.PENDING;
            execution.steps.add(step);
        }
        execution.persist();
        workers.wakeUpAfterCommit();
        Log.infof(
                "accepted plan %s (%s on %s %s, %d steps) correlation %s",
                LogSafe.of(plan.planId()),
                plan.route(),
                plan.target().kind(),
                LogSafe.of(plan.target().id()),
                steps.size(),
                LogSafe.of(execution.correlationId));
        return true;
    }

    /**
     * Ends the plan's unfinished executions of the other action (an onboarding still running when its offboarding
     * arrives, or the reverse), so the two never run at once; their rows are locked, so a worker's late result of
     * one of them is dropped. A worker inside one of their steps keeps its lease: the new execution is not claimed
     * until that step's call has returned (its result dropped), so an onboarding's PUT in flight cannot land after the
     * offboarding looked for what to delete. Executions of the same action are left as they were.
     */
    private void supersedeOtherAction(OnboardingPlan plan, PlanAction action, Instant now) {
        // every one is locked, the finished ones too: the companion VM reconciler reopens a SUCCEEDED onboarding under
        // the same lock, so it either sees this offboarding or is superseded by it
        List<ExecutionEntity> others = entityManager
                .createQuery(
                        "select e from ExecutionEntity e where e.planId = :planId" + " and e.action <> :action",
                        ExecutionEntity.class)
                .setParameter("planId", plan.planId())
                .setParameter("action", action)
                .setLockMode(LockModeType.PESSIMISTIC_WRITE)
                .getResultList();
        for (ExecutionEntity other : others) {
            if (other.state.finished()) {
                continue;
            }
            String reason = "superseded by the " + action.name().toLowerCase(java.util.Locale.ROOT) + " of revision "
                    + plan.revision() + " at step " + other.steps.get(other.currentStep).name;
            ExecutionSnapshot before = other.snapshot();
            Transition transition = transitions.supersede(before, reason, now);
            other.take(before, transition.next());
            other.updatedAt = now;
            status.publish(other, transition.events());
            Log.infof(
                    "plan %s revision %s %s correlation %s",
                    LogSafe.of(other.planId), LogSafe.of(other.revision), reason, LogSafe.of(other.correlationId));
        }
    }

    /**
     * Marks the plan's unfinished executions of the same action as replaced by this revision; one at a step boundary
     * and held by no worker stops now (SUPERSEDED), one in a step stops when that step ends ({@link ExecutionWorkers}).
     * The new execution is not claimed before every older one ended. Rows locked as in {@link #supersedeOtherAction}.
     */
    private void supersedeOlderRevisions(OnboardingPlan plan, PlanAction action, Instant now) {
        List<ExecutionEntity> older = entityManager
                .createQuery(
                        "select e from ExecutionEntity e where e.planId = :planId and e.action = :action"
                                + " and e.state in :unfinished",
                        ExecutionEntity.class)
                .setParameter("planId", plan.planId())
                .setParameter("action", action)
                .setParameter("unfinished", List.of(ExecutionState.PENDING, ExecutionState.RUNNING))
                .setLockMode(LockModeType.PESSIMISTIC_WRITE)
                .getResultList();
        for (ExecutionEntity old : older) {
            old.supersededBy = plan.revision();
            old.updatedAt = now;
            boolean held = old.leaseUntil != null && old.leaseUntil.isAfter(now);
            ExecutionSnapshot before = old.snapshot();
            if (held || !StepTransitions.atStepBoundary(before)) {
                Log.infof(
                        "plan %s revision %s stops at its next step boundary: revision %s replaces it",
                        LogSafe.of(old.planId), LogSafe.of(old.revision), LogSafe.of(plan.revision()));
                continue;
            }
            Transition transition = transitions.stopSuperseded(before, plan.revision(), now);
            old.take(before, transition.next());
            old.leaseUntil = null;
            status.publish(old, transition.events());
            Log.infof(
                    "plan %s revision %s %s correlation %s",
                    LogSafe.of(old.planId),
                    LogSafe.of(old.revision),
                    transition.next().failureReason(),
                    LogSafe.of(old.correlationId));
        }
    }

    /** Status sequence numbers keep increasing across a plan's revisions, so readers can order them. */
    private long lastSequenceOf(String planId) {
        Number last = (Number) entityManager
                .createQuery("select max(e.sequence) from ExecutionEntity e where e.planId = :planId")
                .setParameter("planId", planId)
                .getSingleResult();
        return last == null ? 0 : last.longValue();
    }

    private String toJson(OnboardingPlan plan) {
        try {
            return mapper.writeValueAsString(plan);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("plan " + plan.planId() + " cannot be stored", e);
        }
    }
}
