package dev.arcfleet.inventory.imports;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arcfleet.contracts.FieldError;
import java.util.List;

/** One record of an import file: its registration JSON, or why it could not be read. {@code line} is 1-based. */
public record ImportLine(int line, JsonNode json, List<FieldError> errors) {

    public static ImportLine read(int line, JsonNode json) {
        return new ImportLine(line, json, List.of());
    }

    public static ImportLine unreadable(int line, List<FieldError> errors) {
        return new ImportLine(line, null, List.copyOf(errors));
    }

    public boolean readable() {
        return errors.isEmpty();
    }
}
