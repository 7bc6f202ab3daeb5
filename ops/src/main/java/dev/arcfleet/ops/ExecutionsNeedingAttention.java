package dev.arcfleet.ops;

import java.time.Instant;
import java.util.List;

/**
 * Where the operator tools read the executions that need a person: a service's projection of the status topic
 * implements it (inventory-service's, from its {@code plan_status} table).
 */
public interface ExecutionsNeedingAttention {

    /** A plan that needs a person: FAILED, or retrying now. */
    record Attention(
            String planId,
            String route,
            String targetKind,
            String targetId,
            String state,
            String lastType,
            String step,
            String detail,
            Instant updatedAt,
            long nodes,
            String sampleNodeId) {}

    /** Failed plans first, then retrying ones, newest first within each, at most {@code limit}. */
    List<Attention> attention(int limit);
}
