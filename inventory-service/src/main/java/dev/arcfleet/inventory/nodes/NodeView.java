package dev.arcfleet.inventory.nodes;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.arcfleet.contracts.Capability;
import dev.arcfleet.contracts.CapabilitySet;
import dev.arcfleet.contracts.ClusterRef;
import dev.arcfleet.contracts.HostFacts;
import dev.arcfleet.contracts.OsIdentity;
import dev.arcfleet.contracts.RejectedRoute;
import dev.arcfleet.contracts.Target;
import dev.arcfleet.contracts.Virtualization;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/nodes/{nodeId}} (docs/contracts.md#node-status): the node's facts and its onboarding state.
 * {@code retired} is true once the node left the fleet (deleted from its cluster, or retired by an operator or with its
 * cluster); it still answers with its last facts.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NodeView(
        String nodeId,
        String hostname,
        String site,
        String deviceClass,
        OsIdentity os,
        ClusterRef cluster,
        HostFacts host,
        Virtualization virtualization,
        List<Capability> requiredCapabilities,
        Map<String, String> labels,
        String osImage,
        String kernelVersion,
        Map<String, String> osRelease,
        String source,
        Instant observedAt,
        String factsHash,
        String correlationId,
        boolean retired,
        Onboarding onboarding) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Onboarding(
            String state,
            String route,
            Target target,
            boolean degraded,
            List<String> reasons,
            CapabilitySet capabilities,
            String planId,
            Instant updatedAt,
            String detail,
            String step,
            List<String> rationale,
            List<RejectedRoute> rejected,
            List<String> dependsOn,
            String policyVersion,
            Approval approval) {}

    /**
     * The planner's last approval event of the node's plan: {@code state} AWAITING_APPROVAL, APPROVED or REJECTED,
     * {@code by} who approved or rejected it ({@code rule:<name>} or an operator's token identity), {@code at} when.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Approval(String state, String by, Instant at, String detail) {}
}
