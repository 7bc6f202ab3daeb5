package dev.arcfleet.testsupport;

import dev.arcfleet.contracts.EventTypes;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;

/** A record with a fresh CloudEvents id and the given type and value, for feeding consumers what they must refuse. */
public final class PoisonRecords {
    private PoisonRecords() {}

    public static ProducerRecord<String, String> of(String topic, String key, String type, String value) {
        ProducerRecord<String, String> record = new ProducerRecord<>(topic, key, value);
        record.headers().add(EventTypes.CE_ID, UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
        record.headers().add(EventTypes.CE_TYPE, type.getBytes(StandardCharsets.UTF_8));
        return record;
    }
}
