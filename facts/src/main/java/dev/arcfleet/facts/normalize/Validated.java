package dev.arcfleet.facts.normalize;

import dev.arcfleet.contracts.FieldError;
import dev.arcfleet.contracts.Registration;
import java.util.List;

/** A registration that passed validation, or the list of its bad fields. */
public record Validated(Registration registration, List<FieldError> errors) {

    public static Validated ok(Registration registration) {
        return new Validated(registration, List.of());
    }

    public static Validated rejected(List<FieldError> errors) {
        return new Validated(null, List.copyOf(errors));
    }

    public boolean valid() {
        return errors.isEmpty();
    }
}
