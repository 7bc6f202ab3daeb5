package dev.arcfleet.executor.route;

import dev.arcfleet.contracts.OnboardingPlan;
import dev.arcfleet.contracts.Route;

import java.util.List;

/** The ordered, idempotent steps that carry out one route's plan. Pure: no clients, no framework. */
public interface RouteSteps {
    Route route();

    List<StepSpec> steps(OnboardingPlan plan, AzureTarget azure);

    /** The placeholders this route writes into its steps and fills in when they run. */
    default RoutePlaceholders placeholders() {
        return RoutePlaceholders.NONE;
    }
}
