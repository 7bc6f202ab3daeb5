package dev.arcfleet.inventory.imports;

import dev.arcfleet.contracts.FieldError;
import java.util.List;

/** The file as a whole cannot be imported (empty, or a CSV header that names no usable columns). */
public class ImportFileException extends RuntimeException {
    private final List<FieldError> errors;

    public ImportFileException(String message, List<FieldError> errors) {
        super(message);
        this.errors = List.copyOf(errors);
    }

    public List<FieldError> errors() {
        return errors;
    }
}
