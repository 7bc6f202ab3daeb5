package dev.arcfleet.inventory.imports;

/** One bad field of one line of an import file; {@code line} is the file's 1-based line number. */
public record ImportError(int line, String field, String message) {}
