package dev.arcfleet.support.inbox;

import dev.arcfleet.contracts.Topics;
import dev.arcfleet.support.log.LogSafe;
import io.quarkus.logging.Log;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * A dead letter for a record a batch consumer cannot use: the original key, value and headers, to
 * {@code <topic>.dlq}, with the same {@code dead-letter-*} headers SmallRye's per-record dead-letter strategy writes.
 * Send it through an emitter and await it before the batch is acknowledged.
 */
public final class DeadLetters {
    /** Characters of a reason kept in the {@code dead-letter-reason} header. */
    static final int REASON_MAX = 4000;

    private DeadLetters() {}

    public static Message<String> of(ConsumerRecord<String, String> record, Throwable reason) {
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        // the reason quotes the record's own values: escaped and bounded like a log line
        headers.add(
                "dead-letter-reason",
                bytes(LogSafe.of(reason.getMessage() == null ? reason.toString() : reason.getMessage(), REASON_MAX)));
        headers.add(
                "dead-letter-cause",
                bytes(
                        reason.getCause() == null
                                ? ""
                                : LogSafe.of(reason.getCause().toString(), REASON_MAX)));
        headers.add("dead-letter-topic", bytes(record.topic()));
        headers.add("dead-letter-partition", bytes(Integer.toString(record.partition())));
        headers.add("dead-letter-offset", bytes(Long.toString(record.offset())));
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(Topics.deadLetter(record.topic()))
                .withKey(record.key())
                .withHeaders(headers)
                .build();
        return Message.of(record.value() == null ? "" : record.value()).addMetadata(metadata);
    }

    /**
     * Reads every record of a batch with {@code read}; a record it rejects as poison is dead-lettered (sent and
     * awaited) and logged, one it reads as null is read past, the others are returned in batch order.
     */
    public static <T> List<T> readBatch(
            ConsumerRecords<String, String> batch,
            Function<ConsumerRecord<String, String>, T> read,
            MutinyEmitter<String> deadLetters,
            String what) {
        List<T> usable = new ArrayList<>(batch.count());
        for (ConsumerRecord<String, String> record : batch) {
            try {
                T value = read.apply(record);
                if (value != null) {
                    usable.add(value);
                }
            } catch (PoisonRecordException e) {
                deadLetters.sendMessageAndAwait(of(record, e));
                Log.warnf(
                        "%s at %s-%d@%d dead-lettered: %s",
                        what, record.topic(), record.partition(), record.offset(), LogSafe.of(e.getMessage(), 1000));
            }
        }
        return usable;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
