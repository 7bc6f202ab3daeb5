package dev.arcfleet.inventory.registrations;

import dev.arcfleet.contracts.FieldError;
import java.util.List;

/** What happened to one registration of a batch; {@code errors} says why when it was not stored. */
public record Registered(RegistrationOutcome outcome, List<FieldError> errors) {
    static final Registered ACCEPTED = new Registered(RegistrationOutcome.ACCEPTED, List.of());
    static final Registered UNCHANGED = new Registered(RegistrationOutcome.UNCHANGED, List.of());

    static Registered refused(List<FieldError> errors) {
        return new Registered(RegistrationOutcome.REFUSED, List.copyOf(errors));
    }

    static Registered forbidden(FieldError error) {
        return new Registered(RegistrationOutcome.FORBIDDEN, List.of(error));
    }

    public boolean stored() {
        return outcome.stored();
    }

    /** The errors as one line, for a dead letter or a log. */
    public String reason() {
        return errors.stream()
                .map(e -> e.field() + " " + e.message())
                .reduce((a, b) -> a + "; " + b)
                .orElse(outcome.name());
    }
}
