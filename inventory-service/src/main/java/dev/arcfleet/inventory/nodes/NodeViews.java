package dev.arcfleet.inventory.nodes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arcfleet.contracts.CapabilitySet;
import dev.arcfleet.contracts.Decision;
import dev.arcfleet.contracts.NodeFacts;
import dev.arcfleet.contracts.Target;
import dev.arcfleet.contracts.TargetKind;
import dev.arcfleet.inventory.nodes.NodeQueries.NodeWithStatus;
import dev.arcfleet.inventory.status.PlanStatusEntity;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;

/** Maps registry rows to the public JSON views. */
@ApplicationScoped
public class NodeViews {
    private final ObjectMapper mapper;

    public NodeViews(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public NodeView full(NodeWithStatus row) {
        NodeEntity n = row.node();
        NodeFacts f = read(n.facts, NodeFacts.class);
        Decision d = n.decision == null ? null : read(n.decision, Decision.class);
        PlanStatusEntity p = row.plan();
        NodeView.Onboarding onboarding = new NodeView.Onboarding(
                row.state().name(),
                n.route,
                n.targetKind == null ? null : new Target(TargetKind.valueOf(n.targetKind), n.targetId),
                n.isDegraded(),
                d == null ? List.of() : d.reasons(),
                d == null ? new CapabilitySet(List.of(), List.of()) : d.capabilities(),
                n.planId,
                updatedAt(n, p),
                row.progress() != null
                        ? p.detail
                        : d != null && !d.rationale().isEmpty()
                                ? d.rationale().get(d.rationale().size() - 1)
                                : null,
                p == null ? null : p.step,
                d == null ? null : d.rationale(),
                d == null ? null : d.rejected(),
                d == null ? null : d.dependsOn(),
                d == null ? null : d.policyVersion(),
                p == null || p.approval == null
                        ? null
                        : new NodeView.Approval(p.approval, p.approvalBy, p.approvalAt, p.approvalDetail));
        return new NodeView(
                f.nodeId(),
                f.hostname(),
                f.site(),
                f.deviceClass().name(),
                f.os(),
                f.cluster(),
                f.host(),
                f.virtualization(),
                f.requiredCapabilities(),
                f.labels(),
                f.osImage(),
                f.kernelVersion(),
                f.osRelease(),
                f.source().name(),
                f.observedAt(),
                f.factsHash(),
                n.correlationId,
                n.retired,
                onboarding);
    }

    public NodeSummaryView summary(NodeWithStatus row) {
        NodeEntity n = row.node();
        return new NodeSummaryView(
                n.nodeId,
                n.site,
                n.deviceClass,
                new NodeSummaryView.Os(n.osFamily, n.mutability),
                n.clusterId == null ? null : new NodeSummaryView.Cluster(n.clusterId),
                new NodeSummaryView.Onboarding(
                        row.state().name(), n.route, n.isDegraded(), n.planId, updatedAt(n, row.plan())));
    }

    private static Instant updatedAt(NodeEntity n, PlanStatusEntity p) {
        if (p != null && p.updatedAt != null) {
            return p.updatedAt;
        }
        return n.decidedAt != null ? n.decidedAt : n.updatedAt;
    }

    private <T> T read(String json, Class<T> type) {
        try {
            return mapper.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored " + type.getSimpleName() + " is not readable", e);
        }
    }
}
