package dev.arcfleet.support.inbox;

import dev.arcfleet.contracts.EventTypes;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * A consumed Kafka record read as a binary-mode CloudEvent. {@code id} falls back to topic-partition-offset for
 * producers that send no {@code ce_id} (devices writing plain JSON to {@code fleet.registrations}).
 */
public record IncomingEvent(String topic, String key, String id, String type, String correlationId, String payload) {

    public static IncomingEvent from(ConsumerRecord<String, String> record) {
        String id = header(record, EventTypes.CE_ID);
        if (id == null) {
            id = record.topic() + "-" + record.partition() + "@" + record.offset();
        }
        return new IncomingEvent(record.topic(), record.key(), id, header(record, EventTypes.CE_TYPE),
                header(record, EventTypes.CE_CORRELATION_ID), record.value());
    }

    /**
     * The event's type, checked against the types this consumer knows; an unknown or missing type is a poison record
     * (dead-lettered with the reason), never skipped silently.
     */
    public String requireType(Set<String> known) {
        if (type == null) {
            throw new PoisonRecordException("record on " + topic + " has no ce_type header; expected one of " + known);
        }
        if (!known.contains(type)) {
            throw new PoisonRecordException("unknown event type " + type + " on " + topic + "; this consumer reads " + known);
        }
        if (payload == null || payload.isBlank()) {
            throw new PoisonRecordException("record " + id + " on " + topic + " has an empty value");
        }
        return type;
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
