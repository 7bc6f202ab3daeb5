package dev.arcfleet.inventory.registrations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.arcfleet.contracts.EventTypes;
import dev.arcfleet.contracts.Topics;
import dev.arcfleet.inventory.nodes.KnownFacts;
import dev.arcfleet.inventory.nodes.KnownFactsFill;
import dev.arcfleet.inventory.nodes.LastSeen;
import dev.arcfleet.testsupport.FleetInfraResource;
import dev.arcfleet.testsupport.KafkaFixture;
import dev.arcfleet.testsupport.PoisonRecords;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Heartbeats on {@code fleet.registrations}: a registration whose facts are those stored for its node is answered
 * from memory ({@link KnownFacts}): no event, no processed mark, no write to the node but its coalesced last-seen
 * time. A changed registration after many heartbeats, and a change back, still take the full path and are published.
 */
@QuarkusTest
@QuarkusTestResource(
        value = FleetInfraResource.class,
        initArgs = @ResourceArg(name = "database", value = "inventory_heartbeat"))
class HeartbeatTest {
    static final int HEARTBEATS = 200;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Inject
    DataSource dataSource;

    @Inject
    KnownFacts knownFacts;

    @Inject
    LastSeen lastSeen;

    @Inject
    RegistrationConsumer consumer;

    @Inject
    KnownFactsFill fill;

    static String registration(String deviceId, String hostname) {
        return "{\"deviceId\": \"" + deviceId + "\", \"site\": \"hb\", \"hostname\": \"" + hostname + "\","
                + " \"osImage\": \"Talos (v1.8.2)\"}";
    }

    /** A registration record keyed {@code partitionKey}: records of one key are consumed in the order sent. */
    static ProducerRecord<String, String> record(String partitionKey, String deviceId, String hostname) {
        return PoisonRecords.of(
                Topics.REGISTRATIONS,
                partitionKey,
                EventTypes.REGISTRATION_SUBMITTED,
                registration(deviceId, hostname));
    }

    static String eventId(ProducerRecord<String, String> record) {
        return new String(
                record.headers().lastHeader(EventTypes.CE_ID).value(), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The fleet.nodes events published for a node (keyed by node id: these nodes are in no cluster). */
    static List<String> hostnamesPublished(KafkaFixture kafka, String nodeId) throws Exception {
        List<String> hostnames = new ArrayList<>();
        for (ConsumerRecord<String, String> r : kafka.readAll(Topics.NODES)) {
            if (nodeId.equals(r.key())) {
                hostnames.add(r.value().replaceAll(".*\"hostname\":\"([^\"]*)\".*", "$1"));
            }
        }
        return hostnames;
    }

    long count(String sql, Object... args) throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    String nodeRow(String nodeId) throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "select facts_hash, updated_at, observed_at, correlation_id from node where node_id = ?")) {
            s.setString(1, nodeId);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next()
                        ? rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getString(3) + "|" + rs.getString(4)
                        : null;
            }
        }
    }

    @Test
    void unchangedRegistrationsCostNoEventNoMarkAndNoWriteAndAChangeStillFlows() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String node = "hb-node-" + run;
        String marker = "hb-marker-" + run;
        try (KafkaFixture kafka = new KafkaFixture(bootstrap)) {
            kafka.send(record(node, node, "a"));
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> hostnamesPublished(kafka, node).size() == 1 && knownFacts.size() > 0);
            String stored = nodeRow(node);

            List<String> heartbeatIds = new ArrayList<>();
            for (int i = 0; i < HEARTBEATS; i++) {
                ProducerRecord<String, String> heartbeat = record(node, node, "a");
                heartbeatIds.add(eventId(heartbeat));
                kafka.send(heartbeat);
            }
            // a first registration of another node behind them, on the same partition: once it is stored, every
            // heartbeat before it was consumed
            ProducerRecord<String, String> behind = record(node, marker, "m");
            kafka.send(behind);
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> hostnamesPublished(kafka, marker).size() == 1);

            assertThat(hostnamesPublished(kafka, node))
                    .as("no event for a heartbeat")
                    .containsExactly("a");
            assertThat(nodeRow(node)).as("the node's row is not written").isEqualTo(stored);
            assertThat(count("select count(*) from processed_event where event_id = any(?)", (Object)
                            heartbeatIds.toArray(String[]::new)))
                    .as("no processed mark for a heartbeat")
                    .isZero();
            assertThat(count("select count(*) from processed_event where event_id = ?", eventId(behind)))
                    .isEqualTo(1);
            // the time it was seen is all that changes, in the next batched flush
            lastSeen.flush();
            assertThat(count(
                            "select count(*) from node n join node_heartbeat h on h.node_id = n.node_id"
                                    + " where n.node_id = ? and h.seen_at > n.updated_at",
                            node))
                    .isEqualTo(1);

            // a change after many heartbeats flows, and so does a change back right behind it
            kafka.send(record(node, node, "b"));
            kafka.send(record(node, node, "a"));
            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(
                            () -> assertThat(hostnamesPublished(kafka, node)).containsExactly("a", "b", "a"));
            await().atMost(Duration.ofSeconds(10)).until(() -> !stored.equals(nodeRow(node)));
        }
    }

    /**
     * A restart's view is filled from the registry: an active node's stored facts are known at once (its heartbeat is
     * answered from memory), a retired node's are not, and the fill replaces nothing the view already holds.
     */
    @Test
    void aRestartsViewIsFilledWithTheActiveNodesOfTheRegistry() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String active = "hb-fill-active-" + run;
        String retired = "hb-fill-retired-" + run;
        try (KafkaFixture kafka = new KafkaFixture(bootstrap)) {
            registeredAndKnown(kafka, active, registration(active, "a"));
            registeredAndKnown(kafka, retired, registration(retired, "r"));
        }
        String activeHash = nodeRow(active).split("\\|")[0];
        String retiredHash = nodeRow(retired).split("\\|")[0];
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("update node set retired = true where node_id = ?")) {
            s.setString(1, retired);
            assertThat(s.executeUpdate()).isEqualTo(1);
        }

        knownFacts.clear();
        assertThat(knownFacts.unchanged(active, activeHash))
                .as("an empty view, as after a restart")
                .isFalse();
        assertThat(fill.fill()).isGreaterThanOrEqualTo(1);
        assertThat(knownFacts.unchanged(active, activeHash)).isTrue();
        assertThat(knownFacts.unchanged(retired, retiredHash)).isFalse();

        // what the view learned since (a write after the fill's read began) is not replaced by a later fill
        long write = knownFacts.generation();
        knownFacts.stored(active, "0".repeat(64), write);
        fill.fill();
        assertThat(knownFacts.unchanged(active, activeHash)).isFalse();
        assertThat(knownFacts.unchanged(active, "0".repeat(64))).isTrue();
        knownFacts.clear();
    }

    /** Sends {@code value}, node {@code node}'s registration, keyed by the node, and waits until the view knows it. */
    void registeredAndKnown(KafkaFixture kafka, String node, String value) throws Exception {
        kafka.send(PoisonRecords.of(Topics.REGISTRATIONS, node, EventTypes.REGISTRATION_SUBMITTED, value));
        await().atMost(Duration.ofSeconds(60)).until(() -> knownFacts.samePayload(node, KnownFacts.payloadHash(value)));
    }

    /**
     * A node's heartbeat keyed by its id whose value is, byte for byte, the one last stored is answered without parsing
     * ({@link KnownFacts#samePayload}); its headers are checked all the same, the key decides nothing but where to look,
     * and a write of the node forgets the value.
     */
    @Test
    void aValueSeenBeforeIsKnownUnderItsNodesKeyOnlyAndHeadersAreStillChecked() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String node = "hb-known-" + run;
        String other = "hb-other-" + run;
        String value = registration(node, "a");
        try (KafkaFixture kafka = new KafkaFixture(bootstrap)) {
            registeredAndKnown(kafka, node, value);

            // the known value with a type this consumer does not read: dead-lettered, as any such record
            ProducerRecord<String, String> badType =
                    PoisonRecords.of(Topics.REGISTRATIONS, node, "dev.arcfleet.registration.withdrawn.v9", value);
            kafka.send(badType);
            // another node's registration under this node's key: read for what it says
            kafka.send(record(node, other, "o"));
            kafka.send(record(node, node, "a"));
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> hostnamesPublished(kafka, other).size() == 1);
            List<ConsumerRecord<String, String>> dead = kafka.readAll(Topics.deadLetter(Topics.REGISTRATIONS));
            assertThat(dead.stream()
                            .filter(r -> eventId(badType).equals(KafkaFixture.header(r, EventTypes.CE_ID)))
                            .map(r -> KafkaFixture.header(r, "dead-letter-reason")))
                    .singleElement()
                    .asString()
                    .contains("unknown event type");
            assertThat(hostnamesPublished(kafka, node)).containsExactly("a");
            assertThat(knownFacts.samePayload(other, KnownFacts.payloadHash(registration(other, "o"))))
                    .as("a value is only known under the key that is its node's id")
                    .isFalse();

            // a change: stored and published, and the old value is no longer the node's
            kafka.send(record(node, node, "b"));
            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(
                            () -> assertThat(hostnamesPublished(kafka, node)).containsExactly("a", "b"));
            assertThat(knownFacts.samePayload(node, KnownFacts.payloadHash(value)))
                    .isFalse();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> knownFacts.samePayload(node, KnownFacts.payloadHash(registration(node, "b"))));
            kafka.send(record(node, node, "a"));
            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(
                            () -> assertThat(hostnamesPublished(kafka, node)).containsExactly("a", "b", "a"));
        }
    }

    static ConsumerRecord<String, String> consumed(String key, String value) {
        ConsumerRecord<String, String> record = new ConsumerRecord<>(Topics.REGISTRATIONS, 0, 0, key, value);
        record.headers().add(EventTypes.CE_ID, UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
        record.headers().add(EventTypes.CE_TYPE, EventTypes.REGISTRATION_SUBMITTED.getBytes(StandardCharsets.UTF_8));
        return record;
    }

    /**
     * One batch, handed to the consumer as the channel would: a change, then the node's known value right behind it
     * (a change back). The known value is recognised when the batch is read, before the change is stored; it follows
     * its node into the full path and is stored too.
     */
    @Test
    void aKnownValueBehindAChangeInItsBatchIsStoredAsAChangeBack() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String node = "hb-back-" + run;
        String value = registration(node, "a");
        try (KafkaFixture kafka = new KafkaFixture(bootstrap)) {
            registeredAndKnown(kafka, node, value);
            String storedA = nodeRow(node).split("\\|")[0];

            TopicPartition partition = new TopicPartition(Topics.REGISTRATIONS, 0);
            consumer.consume(new ConsumerRecords<>(
                    Map.of(partition, List.of(consumed(node, registration(node, "b")), consumed(node, value))),
                    Map.of()));

            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(
                            () -> assertThat(hostnamesPublished(kafka, node)).containsExactly("a", "b", "a"));
            assertThat(nodeRow(node).split("\\|")[0]).isEqualTo(storedA);
            assertThat(knownFacts.samePayload(node, KnownFacts.payloadHash(value)))
                    .as("the value written last is the node's again")
                    .isTrue();
        }
    }
}
