package dev.arcfleet.testsupport;

import dev.arcfleet.contracts.EventTypes;
import dev.arcfleet.contracts.StatusEvent;
import dev.arcfleet.contracts.Topics;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;

/** A status event as the planner and executors publish it: keyed by target id, with CloudEvents headers. */
public final class StatusRecords {
    private StatusRecords() {}

    public static ProducerRecord<String, String> of(StatusEvent event, String json) {
        ProducerRecord<String, String> record =
                new ProducerRecord<>(Topics.STATUS, event.target().id(), json);
        record.headers().add(EventTypes.CE_ID, event.eventId().getBytes(StandardCharsets.UTF_8));
        record.headers().add(EventTypes.CE_TYPE, EventTypes.STATUS.getBytes(StandardCharsets.UTF_8));
        if (event.correlationId() != null) {
            record.headers()
                    .add(EventTypes.CE_CORRELATION_ID, event.correlationId().getBytes(StandardCharsets.UTF_8));
        }
        return record;
    }
}
