package dev.arcfleet.contracts;

import java.time.Instant;

/**
 * One onboarding step, on {@code onboarding.status} (CloudEvents type {@link EventTypes#STATUS}). PLANNED and
 * BLOCKED are per node and carry the decision; executor events are per plan, with {@code sequence} increasing
 * within a plan so readers can drop an older event that arrives late. {@code actor}: who approved or rejected a plan
 * (APPROVED, REJECTED: {@code rule:<name>} or the operator's token identity), else null; events without it (written
 * before it existed) read as null. {@code revision}: the plan revision an executor event is about (a reader drops one
 * of a revision the plan has left), else null; events written before it existed read as null.
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
        Decision decision,
        String actor,
        String revision) {

    /** An event of no particular revision (the planner's). */
    public StatusEvent(
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
            Decision decision,
            String actor) {
        this(
                eventId,
                correlationId,
                occurredAt,
                type,
                nodeId,
                planId,
                route,
                target,
                step,
                attempt,
                sequence,
                detail,
                decision,
                actor,
                null);
    }

    /** An event without an actor (every type but APPROVED and REJECTED). */
    public StatusEvent(
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
        this(
                eventId,
                correlationId,
                occurredAt,
                type,
                nodeId,
                planId,
                route,
                target,
                step,
                attempt,
                sequence,
                detail,
                decision,
                null,
                null);
    }
}
