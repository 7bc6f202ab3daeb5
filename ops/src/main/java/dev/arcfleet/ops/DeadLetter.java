package dev.arcfleet.ops;

import dev.arcfleet.contracts.EventTypes;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * A record on a dead-letter topic read with its {@code dead-letter-*} headers (written by
 * {@code dev.arcfleet.support.inbox.DeadLetters} and by SmallRye's dead-letter strategy, same names), and the copy
 * that re-drives it: the original key, value and headers, without the {@code dead-letter-*} ones, with
 * {@code redriven-from: <dlq topic>/<partition>/<offset>}. The CloudEvents id stays, so a consumer that had processed
 * the event after all skips the copy.
 */
public record DeadLetter(
        String topic, int partition, long offset, Instant timestamp, String key, String value, Headers headers) {
    public static final String HEADER_PREFIX = "dead-letter-";
    public static final String REASON = "dead-letter-reason";
    public static final String CAUSE = "dead-letter-cause";
    public static final String ORIGINAL_TOPIC = "dead-letter-topic";
    public static final String ORIGINAL_PARTITION = "dead-letter-partition";
    public static final String ORIGINAL_OFFSET = "dead-letter-offset";
    public static final String REDRIVEN_FROM = "redriven-from";

    public static DeadLetter of(ConsumerRecord<String, String> record) {
        return new DeadLetter(
                record.topic(),
                record.partition(),
                record.offset(),
                Instant.ofEpochMilli(record.timestamp()),
                record.key(),
                record.value(),
                record.headers());
    }

    public String header(String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    public String reason() {
        return header(REASON);
    }

    public String cause() {
        String cause = header(CAUSE);
        return cause == null || cause.isEmpty() ? null : cause;
    }

    public Integer originalPartition() {
        return number(header(ORIGINAL_PARTITION), Integer::valueOf);
    }

    public Long originalOffset() {
        return number(header(ORIGINAL_OFFSET), Long::valueOf);
    }

    /** Where the record came from: its {@code dead-letter-topic} header, else this topic's name without {@code .dlq}. */
    public String originalTopic() {
        String named = header(ORIGINAL_TOPIC);
        return named == null || named.isBlank() ? DeadLetterTopics.originalOf(topic) : named;
    }

    /** {@code <dlq topic>/<partition>/<offset>}: the value of {@link #REDRIVEN_FROM} on the copy. */
    public String coordinates() {
        return topic + "/" + partition + "/" + offset;
    }

    /** The copy to send to {@link #originalTopic()}; partitioned by key, as the original was. */
    public ProducerRecord<String, String> redriveCopy() {
        RecordHeaders copy = new RecordHeaders();
        for (Header h : headers) {
            if (!h.key().startsWith(HEADER_PREFIX) && !h.key().equals(REDRIVEN_FROM)) {
                copy.add(h.key(), h.value());
            }
        }
        copy.add(REDRIVEN_FROM, coordinates().getBytes(StandardCharsets.UTF_8));
        return new ProducerRecord<>(originalTopic(), null, key, value, copy);
    }

    public String eventId() {
        return header(EventTypes.CE_ID);
    }

    public String eventType() {
        return header(EventTypes.CE_TYPE);
    }

    private static <T> T number(String text, java.util.function.Function<String, T> parse) {
        if (text == null) {
            return null;
        }
        try {
            return parse.apply(text.trim());
        } catch (NumberFormatException notANumber) {
            return null;
        }
    }
}
