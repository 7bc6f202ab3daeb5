package dev.arcfleet.inventory.registrations;

import dev.arcfleet.contracts.FieldError;
import java.util.List;

/**
 * What happened to one registration of a batch; {@code errors} says why when it was not stored, {@code factsHash} is
 * the hash of the facts it normalized to when it was (stored or found unchanged), else null.
 */
public record Registered(RegistrationOutcome outcome, List<FieldError> errors, String factsHash) {
    static Registered accepted(String factsHash) {
        return new Registered(RegistrationOutcome.ACCEPTED, List.of(), factsHash);
    }

    static Registered unchanged(String factsHash) {
        return new Registered(RegistrationOutcome.UNCHANGED, List.of(), factsHash);
    }

    static Registered refused(List<FieldError> errors) {
        return new Registered(RegistrationOutcome.REFUSED, List.copyOf(errors), null);
    }

    static Registered forbidden(FieldError error) {
        return new Registered(RegistrationOutcome.FORBIDDEN, List.of(error), null);
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
