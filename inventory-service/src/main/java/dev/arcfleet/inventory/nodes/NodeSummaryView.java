package dev.arcfleet.inventory.nodes;

import java.time.Instant;

/** One row of {@code GET /api/v1/nodes}. */
public record NodeSummaryView(
        String nodeId, String site, String deviceClass, Os os, Cluster cluster, Onboarding onboarding) {
    public record Os(String family, String mutability) {}

    public record Cluster(String id) {}

    public record Onboarding(String state, String route, boolean degraded, String planId, Instant updatedAt) {}
}
