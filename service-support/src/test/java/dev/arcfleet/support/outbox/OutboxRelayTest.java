package dev.arcfleet.support.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.arcfleet.contracts.EventTypes;
import dev.arcfleet.testsupport.FleetInfraResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The outbox and its relay against a real PostgreSQL and a real KRaft broker: events reach Kafka once each, in the
 * order they were committed, as CloudEvents; a batch not acknowledged in time is retried without loss, duplicates
 * or reordering; sends the broker refuses for a while keep their per-key order; a rolled-back event is never sent;
 * events that come one at a time cost no empty look after each; the relay stops cleanly. Each test writes to a topic
 * of its own.
 */
@QuarkusTest
@QuarkusTestResource(
        value = FleetInfraResource.class,
        initArgs = @ResourceArg(name = "database", value = "support_test"))
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OutboxRelayTest {
    private static final String TYPE = "dev.arcfleet.test.happened";

    @Inject
    Outbox outbox;

    @Inject
    OutboxRelay relay;

    @Inject
    OutboxConfig outboxConfig;

    private record Sent(String topic, String key, String eventId, String payload) {}

    private static String bootstrap() {
        return ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    }

    private Sent publish(String topic, String key, String payload) {
        Sent sent = new Sent(topic, key, UUID.randomUUID().toString(), payload);
        QuarkusTransaction.requiringNew()
                .run(() -> outbox.publishJson(topic, key, TYPE, sent.eventId(), "corr-" + key, sent.payload()));
        return sent;
    }

    /** Every record of the topic so far, reading until {@code expected} have come and then a little longer. */
    private static List<ConsumerRecord<String, String>> readAll(String topic, int expected) {
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class.getName(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed");
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return records.size() >= expected;
            });
            // anything more (a duplicate) would arrive with the same batches
            consumer.poll(Duration.ofMillis(500)).forEach(records::add);
        }
        return records;
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static List<String> idsOfKey(Collection<ConsumerRecord<String, String>> records, String key) {
        return records.stream()
                .filter(r -> key.equals(r.key()))
                .map(r -> header(r, EventTypes.CE_ID))
                .toList();
    }

    private static void createTopic(String topic, Map<String, String> configs) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1).configs(configs)))
                    .all()
                    .get();
        }
    }

    @Test
    @Order(1)
    void relaysCommittedEventsOnceEachInOrderAsCloudEvents() throws Exception {
        String topic = "relay-order-" + UUID.randomUUID();
        createTopic(topic, Map.of());
        List<Sent> sent = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            sent.add(publish(topic, "node-" + (i % 3), "{\"n\": " + i + "}"));
        }
        // several events of one transaction keep their order too
        List<Sent> together = new ArrayList<>();
        QuarkusTransaction.requiringNew().run(() -> {
            for (int i = 0; i < 12; i++) {
                Sent s = new Sent(topic, "node-" + (i % 3), UUID.randomUUID().toString(), "{\"together\": " + i + "}");
                outbox.publishJson(topic, s.key(), TYPE, s.eventId(), "corr-" + s.key(), s.payload());
                together.add(s);
            }
        });
        sent.addAll(together);
        // a rolled-back event is never sent
        String rolledBack = UUID.randomUUID().toString();
        assertThatThrownBy(() -> QuarkusTransaction.requiringNew().run(() -> {
                    outbox.publishJson(topic, "node-0", TYPE, rolledBack, null, "{}");
                    throw new IllegalStateException("the state change failed");
                }))
                .isInstanceOf(IllegalStateException.class);

        List<ConsumerRecord<String, String>> records = readAll(topic, sent.size());
        assertThat(records).hasSize(sent.size());
        for (String key : List.of("node-0", "node-1", "node-2")) {
            assertThat(idsOfKey(records, key))
                    .containsExactlyElementsOf(sent.stream()
                            .filter(s -> s.key().equals(key))
                            .map(Sent::eventId)
                            .toList());
        }
        assertThat(records).noneMatch(r -> rolledBack.equals(header(r, EventTypes.CE_ID)));
        ConsumerRecord<String, String> first = records.stream()
                .filter(r -> sent.get(0).eventId().equals(header(r, EventTypes.CE_ID)))
                .findFirst()
                .orElseThrow();
        assertThat(first.value()).isEqualTo("{\"n\": 0}");
        assertThat(header(first, EventTypes.CE_SPECVERSION)).isEqualTo("1.0");
        assertThat(header(first, EventTypes.CE_TYPE)).isEqualTo(TYPE);
        assertThat(header(first, EventTypes.CE_SOURCE)).isEqualTo("/arcfleet/support-test");
        assertThat(header(first, EventTypes.CE_SUBJECT)).isEqualTo("node-0");
        assertThat(header(first, EventTypes.CE_CORRELATION_ID)).isEqualTo("corr-node-0");
        assertThat(header(first, EventTypes.CE_TIME)).isNotBlank();
        await().atMost(Duration.ofSeconds(30)).until(() -> relay.backlog() == 0);
    }

    @Test
    @Order(2)
    void aBatchNotAcknowledgedInTimeIsRetriedWithoutLossDuplicatesOrReordering() throws Exception {
        // fleet.outbox.send-timeout is 0 here: the first attempt at every batch fails before Kafka has acknowledged
        // it, and the relay tries again with backoff, awaiting the sends still in flight rather than sending again
        String topic = "relay-unacknowledged-" + UUID.randomUUID();
        createTopic(topic, Map.of());
        long relayedBefore = relay.relayedCount();
        long failedBefore = relay.failedBatches();
        List<Sent> sent = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            sent.add(publish(topic, "node-" + (i % 2), "{\"n\": " + i + "}"));
        }
        List<ConsumerRecord<String, String>> records = readAll(topic, sent.size());
        assertThat(records).hasSize(sent.size());
        for (String key : List.of("node-0", "node-1")) {
            assertThat(idsOfKey(records, key))
                    .containsExactlyElementsOf(sent.stream()
                            .filter(s -> s.key().equals(key))
                            .map(Sent::eventId)
                            .toList());
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> relay.backlog() == 0);
        assertThat(relay.relayedCount()).isEqualTo(relayedBefore + sent.size());
        assertThat(relay.failedBatches())
                .as("batches failed and were tried again")
                .isGreaterThan(failedBefore);
    }

    @Test
    @Order(3)
    void keepsPerKeyOrderWhileTheBrokerRefusesSendsAndAfter() throws Exception {
        // The producer's settings that per-key order rests on (service-support's defaults): an idempotent producer
        // with at most 5 requests in flight, which never gives up on a record for a transient failure.
        var config = ConfigProvider.getConfig();
        String channel = "mp.messaging.outgoing.outbox-out.";
        assertThat(config.getValue(channel + "enable.idempotence", Boolean.class))
                .isTrue();
        assertThat(config.getValue(channel + "acks", String.class)).isEqualTo("all");
        assertThat(config.getValue(channel + "max.in.flight.requests.per.connection", Integer.class))
                .isBetween(1, 5);
        assertThat(config.getValue(channel + "delivery.timeout.ms", Integer.class))
                .isEqualTo(Integer.MAX_VALUE);
        assertThat(config.getValue(channel + "max.block.ms", Long.class)).isEqualTo((long) Integer.MAX_VALUE);

        // A real refusal by the broker: while the topic takes no record larger than 1 byte, every send fails
        // (RECORD_TOO_LARGE, which the producer does not retry) and the relay sends its rows again, in id order.
        String topic = "relay-refused-" + UUID.randomUUID();
        createTopic(topic, Map.of("max.message.bytes", "1"));
        long relayedBefore = relay.relayedCount();
        long failedBefore = relay.failedBatches();
        List<Sent> sent = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            sent.add(publish(topic, "node-" + (i % 2), "{\"n\": " + i + "}"));
        }
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class.getName()))) {
            TopicPartition partition = new TopicPartition(topic, 0);
            await().atMost(Duration.ofSeconds(30)).until(() -> relay.failedBatches() >= failedBefore + 3);
            assertThat(consumer.endOffsets(List.of(partition)).get(partition))
                    .as("nothing written while refused")
                    .isZero();
        }
        // more events of the same keys while the earlier ones are still refused
        for (int i = 10; i < 20; i++) {
            sent.add(publish(topic, "node-" + (i % 2), "{\"n\": " + i + "}"));
        }
        assertThat(relay.backlog()).isGreaterThanOrEqualTo(sent.size());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()))) {
            admin.incrementalAlterConfigs(Map.of(
                            new ConfigResource(ConfigResource.Type.TOPIC, topic),
                            List.of(new AlterConfigOp(
                                    new ConfigEntry("max.message.bytes", "1048588"), AlterConfigOp.OpType.SET))))
                    .all()
                    .get();
        }

        List<ConsumerRecord<String, String>> records = readAll(topic, sent.size());
        assertThat(records).hasSize(sent.size());
        for (String key : List.of("node-0", "node-1")) {
            assertThat(idsOfKey(records, key))
                    .containsExactlyElementsOf(sent.stream()
                            .filter(s -> s.key().equals(key))
                            .map(Sent::eventId)
                            .toList());
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> relay.backlog() == 0);
        assertThat(relay.relayedCount()).isEqualTo(relayedBefore + sent.size());
    }

    @Test
    @Order(4)
    void aSteadyTrickleCostsNoEmptyLookAfterEachBatch() throws Exception {
        // one event at a time, each relayed before the next is committed: a batch of one, smaller than a full batch,
        // so the relay waits for the next commit's wake-up (or its poll) instead of looking again at once and
        // finding the outbox empty, a transaction for nothing after every event
        String topic = "relay-trickle-" + UUID.randomUUID();
        createTopic(topic, Map.of());
        Duration poll = outboxConfig.pollInterval();
        int events = 20;
        long emptyBefore = relay.emptyLooks();
        long start = System.nanoTime();
        for (int i = 0; i < events; i++) {
            long relayedBefore = relay.relayedCount();
            publish(topic, "node-" + i, "{\"n\": " + i + "}");
            await().atMost(Duration.ofSeconds(30)).until(() -> relay.relayedCount() > relayedBefore);
        }
        long elapsed = System.nanoTime() - start;
        long emptyLooks = relay.emptyLooks() - emptyBefore;
        // the idle polls of the time it took, and one more at either end; a look after every batch would add one per
        // event on top of them
        long idlePolls = elapsed / poll.toNanos() + 2;
        assertThat(emptyLooks)
                .as(
                        "empty looks while %d events were relayed one at a time in %d ms (poll %s)",
                        events, elapsed / 1_000_000, poll)
                .isLessThanOrEqualTo(idlePolls);
        assertThat(readAll(topic, events)).hasSize(events);
    }

    @Test
    @Order(5)
    void stopsCleanlyAndLeavesLaterEventsInTheOutbox() throws Exception {
        assertThat(Thread.getAllStackTraces().keySet())
                .anyMatch(t -> t.getName().equals("outbox-relay"));
        long start = System.nanoTime();
        relay.stop(null);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThat(Thread.getAllStackTraces().keySet())
                .noneMatch(t -> t.getName().equals("outbox-relay"));

        String topic = "relay-stopped-" + UUID.randomUUID();
        createTopic(topic, Map.of());
        publish(topic, "node-0", "{}");
        // nothing relays it: the row waits for the next start (at least once, never lost)
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> relay.backlog() == 1);
    }
}
