package dev.arcfleet.testsupport;

import dev.arcfleet.contracts.EventTypes;
import dev.arcfleet.contracts.NodeFacts;
import dev.arcfleet.contracts.Topics;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A {@code fleet.nodes} record as inventory publishes it: keyed by the node's cluster id (its node id outside a
 * cluster), with CloudEvents headers.
 */
public final class NodeRecords {
    private NodeRecords() {}

    /** {@code facts} (serialized as {@code json}) as a {@link EventTypes#NODE_FACTS} record. */
    public static ProducerRecord<String, String> of(NodeFacts facts, String json) {
        String key = facts.clusterId() != null ? facts.clusterId() : facts.nodeId();
        return of(key, facts.eventId(), EventTypes.NODE_FACTS, json);
    }

    /** Any event of {@code fleet.nodes} ({@code type} a CloudEvents type of {@link EventTypes}). */
    public static ProducerRecord<String, String> of(String key, String eventId, String type, String json) {
        ProducerRecord<String, String> record = new ProducerRecord<>(Topics.NODES, key, json);
        record.headers().add(EventTypes.CE_ID, eventId.getBytes(StandardCharsets.UTF_8));
        record.headers().add(EventTypes.CE_TYPE, type.getBytes(StandardCharsets.UTF_8));
        return record;
    }
}
