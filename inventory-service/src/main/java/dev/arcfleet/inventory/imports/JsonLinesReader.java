package dev.arcfleet.inventory.imports;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arcfleet.contracts.FieldError;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.util.List;

/** JSON Lines: one registration object per line; blank lines are skipped, a line that is not JSON is rejected alone. */
public final class JsonLinesReader implements ImportLineReader {
    private final BufferedReader in;
    private final ObjectMapper mapper;
    private int line;

    public JsonLinesReader(Reader in, ObjectMapper mapper) {
        this.in = in instanceof BufferedReader buffered ? buffered : new BufferedReader(in);
        this.mapper = mapper;
    }

    @Override
    public ImportLine next() throws IOException {
        String text;
        while ((text = in.readLine()) != null) {
            line++;
            if (line == 1 && text.startsWith("\uFEFF")) {
                text = text.substring(1);
            }
            if (text.isBlank()) {
                continue;
            }
            try {
                return ImportLine.read(line, mapper.readTree(text));
            } catch (JsonProcessingException e) {
                return ImportLine.unreadable(
                        line, List.of(new FieldError("$", "is not JSON: " + e.getOriginalMessage())));
            }
        }
        return null;
    }
}
