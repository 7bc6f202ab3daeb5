package dev.arcfleet.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arcfleet.contracts.Topics;
import dev.arcfleet.local.stack.ServiceProcess;
import dev.arcfleet.testsupport.LocalAdminToken;
import dev.arcfleet.testsupport.LocalKafka;
import dev.arcfleet.testsupport.LocalPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The inventory's outbox across crashes: the process is killed with SIGKILL after registrations were committed and
 * before (or while) they were relayed; after a restart every node's facts reach {@code fleet.nodes}.
 */
class OutboxCrashIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    final List<ServiceProcess> started = new ArrayList<>();

    @AfterEach
    void stop() {
        ServiceProcess.closeAll(started);
    }

    Map<String, String> env(boolean relay) {
        return Map.of(
                "KAFKA_BOOTSTRAP_SERVERS",
                LocalKafka.bootstrapServers(),
                "QUARKUS_DATASOURCE_JDBC_URL",
                LocalPostgres.database("inventory_crash"),
                "QUARKUS_DATASOURCE_USERNAME",
                LocalPostgres.USER,
                "QUARKUS_DATASOURCE_PASSWORD",
                "",
                "FLEET_OUTBOX_RELAY_ENABLED",
                Boolean.toString(relay),
                "FLEET_DISCOVERY_ENABLED",
                "false",
                LocalAdminToken.ENV,
                LocalAdminToken.file());
    }

    ServiceProcess inventory(boolean relay) {
        Path root =
                Path.of(System.getProperty("fleet.root", "..")).toAbsolutePath().normalize();
        ServiceProcess p = ServiceProcess.start(root, "inventory-service", env(relay), Pipeline.logDir(root))
                .awaitReady(Duration.ofSeconds(90));
        started.add(p);
        return p;
    }

    @Test
    void committedRegistrationsArePublishedAfterAKillBeforeTheRelaySentThem() throws Exception {
        LocalKafka.createTopics(List.of(
                Topics.NODES,
                Topics.STATUS,
                Topics.REGISTRATIONS,
                Topics.deadLetter(Topics.REGISTRATIONS),
                Topics.deadLetter(Topics.STATUS)));
        String run = "crash-" + UUID.randomUUID().toString().substring(0, 8);

        ServiceProcess noRelay = inventory(false);
        register(noRelay, run + "-a", 300);
        noRelay.kill();
        assertThat(nodeIdsOnTopic(run + "-a"))
                .as("nothing relayed while the relay was off")
                .isEmpty();

        // Mid-way: a relaying instance killed right after a large bulk was committed.
        ServiceProcess relaying = inventory(true);
        register(relaying, run + "-b", 5000);
        relaying.kill();

        inventory(true);
        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> {
                    assertThat(nodeIdsOnTopic(run + "-a").keySet()).hasSize(300);
                    assertThat(nodeIdsOnTopic(run + "-b").keySet()).hasSize(5000);
                });
        // At least once: a row relayed just before the kill may come again; its ce_id is the same, so consumers skip
        // it.
        Map<String, Integer> b = nodeIdsOnTopic(run + "-b");
        System.out.printf(
                "mid-way kill: %d nodes, %d redelivered%n",
                b.size(), b.values().stream().mapToInt(Integer::intValue).sum() - b.size());
    }

    private static void register(ServiceProcess inventory, String prefix, int count) throws Exception {
        ArrayNode bulk = JSON.createArrayNode();
        for (int i = 0; i < count; i++) {
            ObjectNode n = bulk.addObject();
            n.put("deviceId", prefix + "-" + i);
            n.put("osImage", "Talos (v1.8.2)");
            n.putObject("cluster").put("id", prefix + "-cluster-" + (i % 10)).put("distribution", "talos");
        }
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(inventory.baseUrl() + "/api/v1/registrations"))
                        .header("Content-Type", "application/json")
                        .header("Authorization", LocalAdminToken.header())
                        .POST(HttpRequest.BodyPublishers.ofString(bulk.toString()))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).get("accepted").asInt()).isEqualTo(count);
    }

    /** nodeId → how many times its facts are on fleet.nodes, for node ids starting with {@code prefix}. */
    private static Map<String, Integer> nodeIdsOnTopic(String prefix) {
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                LocalKafka.bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class.getName());
        Map<String, Integer> seen = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.NODES).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    try {
                        String nodeId = JSON.readTree(r.value()).path("nodeId").asText();
                        if (nodeId.startsWith(prefix + "-")) {
                            seen.merge(nodeId, 1, Integer::sum);
                        }
                    } catch (java.io.IOException e) {
                        throw new AssertionError("unreadable record on " + Topics.NODES + ": " + r.value(), e);
                    }
                }
            }
        }
        return seen;
    }
}
