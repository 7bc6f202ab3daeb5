package dev.arcfleet.inventory.normalize;

/** One bad field of a registration: its JSON path and what was wrong with it. */
public record FieldError(String field, String message) {
}
