package dev.arcfleet.planner.config;

import java.util.List;

/** A policy document that cannot be used, with one message per bad field. */
public class PolicyException extends RuntimeException {
    private final List<String> errors;

    public PolicyException(List<String> errors) {
        super("invalid policy: " + String.join("; ", errors));
        this.errors = List.copyOf(errors);
    }

    public List<String> errors() {
        return errors;
    }
}
