package dev.arcfleet.contracts;

import java.time.Instant;

/**
 * One onboarding step, on {@code onboarding.status} (CloudEvents type {@link EventTypes#STATUS}). PLANNED and
 * BLOCKED are per node and carry the decision; executor events are per plan, with {@code sequence} increasing
 * within a plan so readers can drop an older event that arrives late.
 */
public record StatusEvent(
        String eventId,
        String correlationId,
        Instant occurredAt,
        StatusType type,
        String nodeId,
        String planId,
        Route route,
        Target target,
        String step,
        Integer attempt,
        long sequence,
        String detail,
        Decision decision) {
}
