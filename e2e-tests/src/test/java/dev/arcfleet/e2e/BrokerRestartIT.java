package dev.arcfleet.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arcfleet.contracts.Topics;
import dev.arcfleet.local.stack.KafkaNode;
import dev.arcfleet.local.stack.ServiceProcess;
import dev.arcfleet.testsupport.LocalPostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * The broker SIGKILLed and restarted while devices stream registrations into {@code fleet.registrations}: every
 * registration the broker acknowledged reaches exactly one decision (PLANNED or BLOCKED on {@code onboarding.status}),
 * through inventory and planner as processes that reconnect by themselves. The broker is the one {@code bin/fleet-local}
 * runs, authentication and ACLs on: the devices write as {@code fleet-device}, each service as its own user.
 */
class BrokerRestartIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final int REGISTRATIONS = 3000;
    static final int PER_SECOND = 300;
    static final int KILL_AFTER = 1000;
    static final Duration DOWN_FOR = Duration.ofSeconds(5);

    @Test
    void everyAcknowledgedRegistrationIsDecidedOnceAcrossABrokerKill() throws Exception {
        Path root =
                Path.of(System.getProperty("fleet.root", "..")).toAbsolutePath().normalize();
        Path logs = Pipeline.logDir(root);
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<ServiceProcess> services = new ArrayList<>();
        try (KafkaNode kafka = KafkaNode.startForTest(root, root.resolve("e2e-tests/target/kafka-restart-" + run))) {
            String bootstrap = kafka.bootstrapServers();
            createTopics(kafka.client("admin"));
            services.addAll(FaultLoad.inventoryAndPlanner(
                    root, bootstrap, service -> LocalPostgres.database(service + "_restart"), kafka::serviceEnv));

            Set<String> acknowledged = ConcurrentHashMap.newKeySet();
            AtomicInteger failed = new AtomicInteger();
            Instant killedAt;
            Instant restartedAt;
            Map<String, Object> device = new HashMap<>(kafka.client("fleet-device"));
            device.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
            try (KafkaProducer<String, String> producer = FaultLoad.producer(bootstrap, device)) {
                long started = System.nanoTime();
                killedAt = null;
                CompletableFuture<Instant> restart = null;
                for (int i = 0; i < REGISTRATIONS; i++) {
                    if (i == KILL_AFTER) {
                        kafka.kill();
                        killedAt = Instant.now();
                        // the broker comes back on its own schedule, whatever the sending loop is blocked on
                        restart = CompletableFuture.supplyAsync(
                                () -> {
                                    try {
                                        kafka.restart();
                                        return Instant.now();
                                    } catch (Exception e) {
                                        throw new IllegalStateException("the broker did not restart", e);
                                    }
                                },
                                CompletableFuture.delayedExecutor(DOWN_FOR.toMillis(), TimeUnit.MILLISECONDS));
                    }
                    String deviceId = "restart-" + run + "-" + i;
                    producer.send(FaultLoad.record(deviceId, i), (metadata, error) -> {
                        if (error == null) {
                            acknowledged.add(deviceId);
                        } else {
                            failed.incrementAndGet();
                        }
                    });
                    pace(started, i + 1);
                }
                restartedAt = restart.get(2, TimeUnit.MINUTES);
                producer.flush();
            }
            assertThat(failed.get())
                    .as("sends that failed across a %s outage (the producer retries them)", DOWN_FOR)
                    .isZero();
            assertThat(acknowledged).as("registrations the broker acknowledged").hasSize(REGISTRATIONS);

            // per node: the ids of its decision events, and how many records carried them
            Map<String, Set<String>> decisions = new HashMap<>();
            AtomicInteger records = new AtomicInteger();
            Instant waitFrom = Instant.now();
            Map<String, Object> checker = new HashMap<>(kafka.client("admin"));
            checker.putAll(Map.of(
                    ConsumerConfig.GROUP_ID_CONFIG,
                    "restart-check-" + run,
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                    "earliest",
                    ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                    StringDeserializer.class.getName(),
                    ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                    StringDeserializer.class.getName()));
            try (KafkaConsumer<String, String> status = new KafkaConsumer<>(checker)) {
                status.subscribe(List.of(Topics.STATUS));
                await().atMost(Duration.ofMinutes(4))
                        .pollInterval(Duration.ofMillis(10))
                        .until(() -> {
                            status.poll(Duration.ofMillis(500)).forEach(r -> count(r, decisions, records));
                            return decisions.keySet().containsAll(acknowledged);
                        });
                // a little longer, so a decision published twice would be seen
                long settle = System.nanoTime() + Duration.ofSeconds(3).toNanos();
                while (System.nanoTime() < settle) {
                    status.poll(Duration.ofMillis(500)).forEach(r -> count(r, decisions, records));
                }
            }
            Map<String, Integer> twice = new HashMap<>();
            decisions.forEach((node, ids) -> {
                if (ids.size() > 1) {
                    twice.put(node, ids.size());
                }
            });
            assertThat(twice).as("nodes decided more than once").isEmpty();
            assertThat(decisions.keySet())
                    .as("decided nodes that were never acknowledged")
                    .isSubsetOf(acknowledged);
            // the outbox does not send an event again while its first send is still being retried by the producer
            assertThat(records.get())
                    .as("decision records on the topic (copies of one event count)")
                    .isEqualTo(decisions.size());
            System.out.printf(
                    "broker restart: %d registrations sent at %d/s, broker SIGKILLed after %d and down %d ms;"
                            + " %d acknowledged, %d failed to send; all %d acknowledged decided once (%d decision records),"
                            + " %d s after the stream ended%n",
                    REGISTRATIONS,
                    PER_SECOND,
                    KILL_AFTER,
                    Duration.between(killedAt, restartedAt).toMillis(),
                    acknowledged.size(),
                    failed.get(),
                    acknowledged.size(),
                    records.get(),
                    Duration.between(waitFrom, Instant.now()).toSeconds());
        } finally {
            ServiceProcess.closeAll(services);
        }
    }

    /** Counts a PLANNED or BLOCKED record under its node, by event id. */
    private static void count(
            ConsumerRecord<String, String> r, Map<String, Set<String>> decisions, AtomicInteger records) {
        try {
            JsonNode event = JSON.readTree(r.value());
            String type = event.path("type").asText();
            String nodeId = event.path("decision").path("nodeId").asText(null);
            if (nodeId != null && (type.equals("PLANNED") || type.equals("BLOCKED"))) {
                decisions
                        .computeIfAbsent(nodeId, k -> new java.util.HashSet<>())
                        .add(event.path("eventId").asText());
                records.incrementAndGet();
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("a status record is not JSON: " + r.value(), e);
        }
    }

    private static void createTopics(Map<String, Object> adminClient) throws Exception {
        try (Admin admin = Admin.create(adminClient)) {
            List<NewTopic> topics = new ArrayList<>();
            for (String topic : Topics.MAIN) {
                topics.add(new NewTopic(topic, 3, (short) 1));
                topics.add(new NewTopic(Topics.deadLetter(topic), 3, (short) 1));
            }
            admin.createTopics(topics).all().get();
        }
    }

    private static void pace(long startedNanos, int sent) throws InterruptedException {
        long due = startedNanos + sent * 1_000_000_000L / PER_SECOND;
        long wait = due - System.nanoTime();
        if (wait > 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(wait);
        }
    }
}
