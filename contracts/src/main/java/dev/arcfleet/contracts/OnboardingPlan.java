package dev.arcfleet.contracts;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A plan for one target, published to the route's plan topic keyed by target id (CloudEvents type
 * {@link EventTypes#PLAN_CREATED}). {@code planId} is derived from route and target, so a replay yields the same
 * id; {@code revision} is a hash of the plan's content, and a new revision (say, a cluster needing one more extension)
 * is executed again, idempotently. {@code parameters} carries what the executor needs (cluster distribution, host node, site...).
 * {@code action}: {@link PlanAction#OFFBOARD} marks a plan that removes what the plan with the same {@code planId}
 * built (a new revision of it); null or absent means {@link PlanAction#ONBOARD}, so older records keep their meaning.
 * {@code azureTarget}: the subscription, resource group, region and credentials the policy chose for the plan; null or
 * absent means the executor's default target ({@code executor.azure.*}).
 */
public record OnboardingPlan(
        String eventId,
        String correlationId,
        Instant occurredAt,
        String planId,
        String revision,
        Route route,
        Target target,
        List<String> nodeIds,
        List<Capability> capabilities,
        List<String> dependsOn,
        String supersedes,
        String policyVersion,
        Map<String, String> parameters,
        PlanAction action,
        AzureTarget azureTarget) {

    /** A plan for the executor's default Azure target. */
    public OnboardingPlan(
            String eventId,
            String correlationId,
            Instant occurredAt,
            String planId,
            String revision,
            Route route,
            Target target,
            List<String> nodeIds,
            List<Capability> capabilities,
            List<String> dependsOn,
            String supersedes,
            String policyVersion,
            Map<String, String> parameters,
            PlanAction action) {
        this(
                eventId,
                correlationId,
                occurredAt,
                planId,
                revision,
                route,
                target,
                nodeIds,
                capabilities,
                dependsOn,
                supersedes,
                policyVersion,
                parameters,
                action,
                null);
    }

    /** An onboarding plan (no action: {@link PlanAction#ONBOARD}), as every plan was before offboarding existed. */
    public OnboardingPlan(
            String eventId,
            String correlationId,
            Instant occurredAt,
            String planId,
            String revision,
            Route route,
            Target target,
            List<String> nodeIds,
            List<Capability> capabilities,
            List<String> dependsOn,
            String supersedes,
            String policyVersion,
            Map<String, String> parameters) {
        this(
                eventId,
                correlationId,
                occurredAt,
                planId,
                revision,
                route,
                target,
                nodeIds,
                capabilities,
                dependsOn,
                supersedes,
                policyVersion,
                parameters,
                null,
                null);
    }

    /** This plan with its Azure target (null: the executor's default). */
    public OnboardingPlan withAzureTarget(AzureTarget newTarget) {
        return new OnboardingPlan(
                eventId,
                correlationId,
                occurredAt,
                planId,
                revision,
                route,
                target,
                nodeIds,
                capabilities,
                dependsOn,
                supersedes,
                policyVersion,
                parameters,
                action,
                newTarget);
    }

    /** True when the plan removes what its onboarding built. */
    public boolean offboarding() {
        return action == PlanAction.OFFBOARD;
    }

    /**
     * The offboarding plan of this onboarding plan: the same plan id, route, target, Azure target, capabilities and
     * parameters (what was built is what is removed), a new event id and the given revision, published on the same
     * topic and key so that it is ordered after the onboarding.
     */
    public OnboardingPlan toOffboard(String newEventId, String newRevision, Instant at) {
        return new OnboardingPlan(
                newEventId,
                correlationId,
                at,
                planId,
                newRevision,
                route,
                target,
                nodeIds,
                capabilities,
                dependsOn,
                null,
                policyVersion,
                parameters,
                PlanAction.OFFBOARD,
                azureTarget);
    }
}
