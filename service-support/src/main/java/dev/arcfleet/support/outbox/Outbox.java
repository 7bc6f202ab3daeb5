package dev.arcfleet.support.outbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arcfleet.support.tx.AfterCommit;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;

/**
 * Appends events to the outbox in the caller's transaction, so a state change and its events commit together or
 * not at all; {@link OutboxRelay} publishes them after the commit.
 */
@ApplicationScoped
public class Outbox {
    private final ObjectMapper mapper;
    private final OutboxRelay relay;
    private final AfterCommit afterCommit;

    public Outbox(ObjectMapper mapper, OutboxRelay relay, AfterCommit afterCommit) {
        this.mapper = mapper;
        this.relay = relay;
        this.afterCommit = afterCommit;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void publish(String topic, String key, String type, String eventId, String correlationId, Object event) {
        publishJson(topic, key, type, eventId, correlationId, toJson(event));
    }

    /** As {@link #publish}, for an event the caller has already written as JSON (to store the same text itself). */
    @Transactional(Transactional.TxType.MANDATORY)
    public void publishJson(String topic, String key, String type, String eventId, String correlationId, String json) {
        OutboxEvent row = new OutboxEvent();
        row.topic = topic;
        row.key = key;
        row.type = type;
        row.eventId = eventId;
        row.correlationId = correlationId;
        row.payload = json;
        row.createdAt = Instant.now();
        row.persist();
        wakeRelayAfterCommit();
    }

    private void wakeRelayAfterCommit() {
        afterCommit.runOnce(OutboxRelay.class, relay::wakeUp);
    }

    private String toJson(Object event) {
        try {
            return mapper.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "event " + event.getClass().getSimpleName() + " cannot be written as JSON", e);
        }
    }
}
