package dev.arcfleet.executor.service;

import dev.arcfleet.contracts.OnboardingPlan;
import dev.arcfleet.executor.route.StepSpec;

/** Carries out one step against Azure and Kubernetes, or records what it would do. */
public interface StepApplier {
    StepOutcome apply(OnboardingPlan plan, StepSpec step, int attempt);
}
