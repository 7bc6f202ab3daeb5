package dev.arcfleet.executor.execution;

import dev.arcfleet.contracts.OnboardingPlan;
import dev.arcfleet.contracts.Route;
import dev.arcfleet.executor.config.ExecutorConfig;
import dev.arcfleet.executor.route.AzureTarget;
import dev.arcfleet.executor.route.RoutePlaceholders;
import dev.arcfleet.executor.route.RouteSteps;
import dev.arcfleet.executor.route.StepSpec;
import dev.arcfleet.executor.route.arck8s.ArcK8sSteps;
import dev.arcfleet.executor.route.companionvm.CompanionVmSteps;
import dev.arcfleet.executor.route.iotops.IotOperationsSteps;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** The steps of a plan, by route, with the plan's Azure target (else this deployment's default) and images. */
@ApplicationScoped
public class StepPlans {
    private final Map<Route, RouteSteps> routes = new EnumMap<>(Route.class);
    private final AzureTarget azure;

    public StepPlans(ExecutorConfig config) {
        register(new ArcK8sSteps(
                new ArcK8sSteps.Agents(
                        config.agents().chart(),
                        config.agents().chartVersion(),
                        config.agents().installerImage(),
                        config.agents().azureEnvironment(),
                        config.azure().tenantId().orElse(null),
                        config.agents().customLocationsObjectId().orElse(null)),
                config.azure().logAnalyticsWorkspaceId().orElse(null)));
        register(new CompanionVmSteps(
                config.companionVm().containerDiskImage(),
                config.companionVm().cores(),
                config.companionVm().memoryMiB(),
                config.operatorCheckTimeout()));
        register(new IotOperationsSteps(config.operatorCheckTimeout()));
        this.azure = new AzureTarget(
                config.azure().subscriptionId(),
                config.azure().resourceGroup(),
                config.azure().location());
    }

    private void register(RouteSteps steps) {
        routes.put(steps.route(), steps);
    }

    /** The placeholders the route writes into its steps, which it fills in when they run. */
    public RoutePlaceholders placeholdersOf(Route route) {
        RouteSteps steps = routes.get(route);
        return steps == null ? RoutePlaceholders.NONE : steps.placeholders();
    }

    /** The steps of the plan: its route's onboarding, or its offboarding when the plan is marked OFFBOARD. */
    public List<StepSpec> stepsOf(OnboardingPlan plan) {
        RouteSteps steps = routes.get(plan.route());
        if (steps == null) {
            throw new IllegalArgumentException("no executor for route " + plan.route());
        }
        return steps.stepsFor(plan, azureTargetOf(plan));
    }

    /** Where the plan's resources go: its Azure target, or this deployment's default ({@code executor.azure.*}). */
    public AzureTarget azureTargetOf(OnboardingPlan plan) {
        dev.arcfleet.contracts.AzureTarget target = plan.azureTarget();
        return target == null
                ? azure
                : new AzureTarget(target.subscriptionId(), target.resourceGroup(), target.location());
    }
}
