package dev.arcfleet.contracts;

/** One bad field of a request (HTTP 400 bodies of every service): its JSON path and what was wrong with it. */
public record FieldError(String field, String message) {}
