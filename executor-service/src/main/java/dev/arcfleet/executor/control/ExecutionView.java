package dev.arcfleet.executor.control;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/**
 * {@code GET /api/v1/executions/{planId}}: the latest execution of a plan (its onboarding, or its offboarding once one
 * arrived: {@code action}), its steps, timings and what they applied.
 */
public record ExecutionView(
        String planId,
        String revision,
        String route,
        Target target,
        String mode,
        String state,
        String correlationId,
        String failureReason,
        Instant createdAt,
        Instant finishedAt,
        List<Step> steps,
        List<String> revisions,
        String action) {

    public record Target(String kind, String id) {}

    public record Step(
            int index,
            String name,
            String state,
            int attempts,
            Instant startedAt,
            Instant finishedAt,
            Long durationMs,
            String detail,
            JsonNode record) {}
}
