package dev.arcfleet.executor.execution;

import dev.arcfleet.contracts.PlanAction;
import dev.arcfleet.contracts.Route;
import dev.arcfleet.contracts.TargetKind;
import dev.arcfleet.executor.engine.ExecutionSnapshot;
import dev.arcfleet.executor.engine.ExecutionState;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.CascadeType;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.OneToMany;
import jakarta.persistence.OrderBy;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

@Entity
@Table(name = "execution")
public class ExecutionEntity extends PanacheEntityBase {
    @Id
    @Column(name = "execution_id")
    public String executionId;

    @Column(name = "plan_id")
    public String planId;

    public String revision;

    @Enumerated(EnumType.STRING)
    public Route route;
    /** ONBOARD, or OFFBOARD for an execution that removes what its plan built. */
    @Enumerated(EnumType.STRING)
    public PlanAction action = PlanAction.ONBOARD;

    @Enumerated(EnumType.STRING)
    @Column(name = "target_kind")
    public TargetKind targetKind;

    @Column(name = "target_id")
    public String targetId;

    @Column(name = "correlation_id")
    public String correlationId;

    public String mode;

    @Enumerated(EnumType.STRING)
    public ExecutionState state;
    /** The plan as received, JSON. */
    @Column(columnDefinition = "text")
    public String plan;

    @Column(name = "current_step")
    public int currentStep;

    public int attempt;
    public long sequence;

    @Column(name = "next_run_at")
    public Instant nextRunAt;

    @Column(name = "lease_until")
    public Instant leaseUntil;

    @Column(name = "failure_reason", columnDefinition = "text")
    public String failureReason;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;

    @Column(name = "finished_at")
    public Instant finishedAt;

    /** The newer revision of the plan (same action) that replaces this one at its next step boundary, or null. */
    @Column(name = "superseded_by")
    public String supersededBy;

    @OneToMany(mappedBy = "execution", cascade = CascadeType.ALL, orphanRemoval = true)
    @OrderBy("idx")
    public List<ExecutionStepEntity> steps = new ArrayList<>();

    public static String idOf(String planId, String revision) {
        return planId + ":" + revision;
    }

    public boolean offboarding() {
        return action == PlanAction.OFFBOARD;
    }

    public long nextSequence() {
        return ++sequence;
    }

    /** The fields the engine's rules act on, with the step the execution is at. */
    public ExecutionSnapshot snapshot() {
        ExecutionStepEntity step = steps.get(currentStep);
        return new ExecutionSnapshot(
                state,
                currentStep,
                steps.size(),
                attempt,
                nextRunAt,
                finishedAt,
                failureReason,
                new ExecutionSnapshot.Step(
                        step.name, step.state, step.finishedAt, step.detail, step.record, step.operation));
    }

    /** Writes a transition's result back onto the execution and the step it acted on (the one {@code before} was at). */
    public void take(ExecutionSnapshot before, ExecutionSnapshot after) {
        ExecutionStepEntity step = steps.get(before.currentStep());
        state = after.state();
        currentStep = after.currentStep();
        attempt = after.attempt();
        nextRunAt = after.nextRunAt();
        finishedAt = after.finishedAt();
        failureReason = after.failureReason();
        step.state = after.step().state();
        step.finishedAt = after.step().finishedAt();
        step.detail = after.step().detail();
        step.record = after.step().record();
        step.operation = after.step().operation();
    }
}
