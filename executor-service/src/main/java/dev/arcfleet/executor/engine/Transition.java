package dev.arcfleet.executor.engine;

import dev.arcfleet.contracts.StatusType;
import java.util.List;

/** What the engine's rules decided: the execution's fields after the change, and the status events it publishes, in order. */
public record Transition(ExecutionSnapshot next, List<StatusChange> events) {

    /** One {@code onboarding.status} event; {@code step} is null for the execution as a whole. */
    public record StatusChange(StatusType type, String step, String detail) {}

    public Transition {
        events = List.copyOf(events);
    }
}
