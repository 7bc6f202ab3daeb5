package dev.arcfleet.contracts;

import java.time.Instant;
import java.util.List;

/** The planner's judgement for one node (docs/contracts.md#decision). */
public record Decision(
        String nodeId,
        Route route,
        Target target,
        boolean degraded,
        List<String> reasons,
        List<String> rationale,
        CapabilitySet capabilities,
        List<RejectedRoute> rejected,
        String planId,
        List<String> dependsOn,
        String policyVersion,
        String factsHash,
        Instant decidedAt) {}
