package dev.arcfleet.executor.apply;

import dev.arcfleet.executor.engine.StepOutcome;

/** Carries out one step against Azure and Kubernetes, or records what it would do. */
public interface StepApplier {
    StepOutcome apply(StepContext context);
}
