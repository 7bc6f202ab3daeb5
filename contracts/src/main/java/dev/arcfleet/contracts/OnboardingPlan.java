package dev.arcfleet.contracts;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A plan for one target, published to the route's plan topic keyed by target id (CloudEvents type
 * {@link EventTypes#PLAN_CREATED}). {@code planId} is derived from route and target, so a replay yields the same
 * id; {@code revision} is a hash of the plan's content, and a new revision (say, a cluster needing one more extension)
 * is executed again, idempotently. {@code parameters} carries what the executor needs (cluster distribution, host node, site...).
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
        Map<String, String> parameters) {
}
