package dev.arcfleet.executor.execution;

import dev.arcfleet.contracts.EventIds;
import dev.arcfleet.contracts.EventTypes;
import dev.arcfleet.contracts.StatusEvent;
import dev.arcfleet.contracts.StatusType;
import dev.arcfleet.contracts.Target;
import dev.arcfleet.contracts.Topics;
import dev.arcfleet.executor.engine.StepTransitions;
import dev.arcfleet.executor.engine.Transition;
import dev.arcfleet.support.outbox.Outbox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;

/**
 * Every execution transition becomes an {@code onboarding.status} event, keyed by target id, through the outbox; an
 * offboarding execution's start and end are reported as such ({@link StepTransitions#reported}).
 */
@ApplicationScoped
public class StatusPublisher {
    private final Outbox outbox;

    public StatusPublisher(Outbox outbox) {
        this.outbox = outbox;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void publish(ExecutionEntity execution, StatusType type, String step, String detail) {
        StatusEvent event = new StatusEvent(
                EventIds.next(),
                execution.correlationId,
                Instant.now(),
                StepTransitions.reported(type, execution.offboarding()),
                null,
                execution.planId,
                execution.route,
                new Target(execution.targetKind, execution.targetId),
                step,
                execution.attempt,
                execution.nextSequence(),
                detail,
                null,
                null,
                execution.revision);
        outbox.publish(
                Topics.STATUS, execution.targetId, EventTypes.STATUS, event.eventId(), execution.correlationId, event);
    }

    /** The events of a transition, in order, once its result is written onto {@code execution}. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void publish(ExecutionEntity execution, List<Transition.StatusChange> events) {
        events.forEach(e -> publish(execution, e.type(), e.step(), e.detail()));
    }
}
