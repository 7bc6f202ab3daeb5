package dev.arcfleet.support.inbox;

import dev.arcfleet.contracts.EventTypes;
import dev.arcfleet.support.log.LogSafe;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * A consumed Kafka record read as a binary-mode CloudEvent. {@code id} falls back to topic-partition-offset for
 * producers that send no {@code ce_id} (devices writing plain JSON to {@code fleet.registrations}).
 *
 * <p>The headers come from whoever could write to the topic, so they are checked before anything acts on them: an id
 * of more than {@value #MAX_ID} characters (it is stored in {@code processed_event.event_id}) or of other characters
 * than {@code A-Za-z0-9._:@/+=~-}, a correlation id of more than {@value #MAX_CORRELATION_ID} such characters, a type
 * of more than {@value #MAX_TYPE} characters or with control characters, make the record poison (dead-lettered with
 * the reason), never a failure of the batch.
 */
public record IncomingEvent(String topic, String key, String id, String type, String correlationId, String payload) {
    public static final int MAX_ID = 200;
    public static final int MAX_CORRELATION_ID = 64;
    public static final int MAX_TYPE = 255;

    public static IncomingEvent from(ConsumerRecord<String, String> record) {
        String where = record.topic() + "-" + record.partition() + "@" + record.offset();
        String id = header(record, EventTypes.CE_ID);
        if (id == null) {
            id = where;
        } else {
            requireSafe(EventTypes.CE_ID, id, MAX_ID, where);
        }
        String type = header(record, EventTypes.CE_TYPE);
        if (type != null && (type.length() > MAX_TYPE || LogSafe.hasUnsafe(type))) {
            throw new PoisonRecordException("record " + where + ": the " + EventTypes.CE_TYPE
                    + " header must be at most " + MAX_TYPE + " characters without control characters, got "
                    + type.length() + ": " + LogSafe.of(type, 64));
        }
        String correlationId = header(record, EventTypes.CE_CORRELATION_ID);
        if (correlationId != null) {
            requireSafe(EventTypes.CE_CORRELATION_ID, correlationId, MAX_CORRELATION_ID, where);
        }
        return new IncomingEvent(record.topic(), record.key(), id, type, correlationId, record.value());
    }

    private static void requireSafe(String header, String value, int max, String where) {
        if (!SafeIds.isSafe(value, max)) {
            throw new PoisonRecordException("record " + where + ": the " + header + " header must be 1 to " + max
                    + " characters of A-Za-z0-9._:@/+=~-, got " + value.length() + ": " + LogSafe.of(value, 64));
        }
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
            throw new PoisonRecordException(
                    "unknown event type " + LogSafe.of(type, 64) + " on " + topic + "; this consumer reads " + known);
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
