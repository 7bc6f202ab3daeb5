package dev.arcfleet.support.inbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;

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
}
