package dev.arcfleet.executor.apply;

import dev.arcfleet.contracts.OnboardingPlan;
import dev.arcfleet.executor.route.StepSpec;
import java.time.Instant;

/**
 * One run of one step: the plan, the step, which attempt this is, when the step first started, and the ARM operation
 * it is waiting on ({@code <resourceId> <pollUrl>}, or null).
 */
public record StepContext(OnboardingPlan plan, StepSpec step, int attempt, Instant stepStartedAt, String operation) {

    public StepContext(OnboardingPlan plan, StepSpec step, int attempt, Instant stepStartedAt) {
        this(plan, step, attempt, stepStartedAt, null);
    }

    /** The cluster the step's Kubernetes objects go to: the plan's cluster target, or the node plan's cluster. */
    public String clusterId() {
        if (plan.target() != null && plan.target().kind() == dev.arcfleet.contracts.TargetKind.CLUSTER) {
            return plan.target().id();
        }
        return plan.parameters() == null ? null : plan.parameters().get("clusterId");
    }
}
