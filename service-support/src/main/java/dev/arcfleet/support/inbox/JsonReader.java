package dev.arcfleet.support.inbox;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;

/** Reads an event's JSON value; a value that does not parse is a poison record, named with its id. */
@ApplicationScoped
public class JsonReader {
    private final ObjectMapper mapper;

    public JsonReader(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public <T> T read(IncomingEvent event, Class<T> type) {
        try {
            T value = mapper.readValue(event.payload(), type);
            if (value == null) {
                throw new PoisonRecordException("record " + event.id() + " on " + event.topic() + " is JSON null");
            }
            return value;
        } catch (JsonProcessingException e) {
            throw new PoisonRecordException(
                    "record " + event.id() + " on " + event.topic() + " is not a valid " + type.getSimpleName() + ": "
                            + e.getOriginalMessage(),
                    e);
        }
    }

    /**
     * The text of the top-level field {@code field} of the event's JSON object, read without binding the rest (the
     * parser stops at the field): for a consumer that reads past most events of a topic by one field. Null when the
     * field is absent, null or not a string, and when the value is not a JSON object or breaks off before the field:
     * such a value is for {@link #read} to refuse with its reason.
     */
    public String peekText(IncomingEvent event, String field) {
        try (JsonParser parser = mapper.getFactory().createParser(event.payload())) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (field.equals(name)) {
                    return value == JsonToken.VALUE_STRING ? parser.getText() : null;
                }
                parser.skipChildren();
            }
            return null;
        } catch (IOException unreadable) {
            return null;
        }
    }
}
