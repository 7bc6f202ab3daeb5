package dev.arcfleet.executor.route;

import dev.arcfleet.contracts.OnboardingPlan;
import dev.arcfleet.contracts.Route;
import java.util.List;

/** The ordered, idempotent steps that carry out one route's plan. Pure: no clients, no framework. */
public interface RouteSteps {
    Route route();

    List<StepSpec> steps(OnboardingPlan plan, AzureTarget azure);

    /**
     * The ordered, idempotent steps that remove what {@link #steps} built for the same plan, in the order the Azure
     * tools tear it down (docs/offboarding-sources.md); each treats an absent resource as done.
     */
    List<StepSpec> offboardingSteps(OnboardingPlan plan, AzureTarget azure);

    /** The steps a plan asks for: its onboarding, or its offboarding when it is marked so. */
    default List<StepSpec> stepsFor(OnboardingPlan plan, AzureTarget azure) {
        return plan.offboarding() ? offboardingSteps(plan, azure) : steps(plan, azure);
    }

    /** The placeholders this route writes into its steps and fills in when they run. */
    default RoutePlaceholders placeholders() {
        return RoutePlaceholders.NONE;
    }
}
