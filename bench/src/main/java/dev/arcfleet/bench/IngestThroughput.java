package dev.arcfleet.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arcfleet.contracts.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sustained registration ingest of a running inventory ({@code bin/fleet-local up}): REST bulks of 1,000, and the
 * {@code fleet.registrations} topic. A registration counts once it is stored with its NodeFacts in the outbox (REST:
 * when the bulk answers; Kafka: when its NodeFacts reached {@code fleet.nodes}, which the outbox relay does right after
 * the commit). Not the consumer group's committed offset: the connector commits those on a timer (5 s), which once
 * made Kafka ingest look three times slower than it is. Each round uses new device ids, so every registration is a
 * new node. Prints each round and the medians.
 *
 * <p>Usage: {@code IngestThroughput [inventoryUrl=http://127.0.0.1:8081] [bootstrap=127.0.0.1:9092] [perRound=20000] [rounds=5]}
 */
public final class IngestThroughput {
    static final ObjectMapper JSON = new ObjectMapper();
    static final int BULK = 1000;

    private IngestThroughput() {}

    public static void main(String[] args) throws Exception {
        String url = args.length > 0 ? args[0] : "http://127.0.0.1:8081";
        String bootstrap = args.length > 1 ? args[1] : "127.0.0.1:9092";
        int perRound = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        HttpClient http = HttpClient.newHttpClient();
        double[] rest = new double[rounds];
        double[] kafka = new double[rounds];
        try (Admin admin =
                        Admin.create(BenchKafka.config(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap)));
                KafkaProducer<String, String> producer = new KafkaProducer<>(BenchKafka.config(Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap,
                        ProducerConfig.ACKS_CONFIG,
                        "all",
                        ProducerConfig.LINGER_MS_CONFIG,
                        5,
                        ProducerConfig.COMPRESSION_TYPE_CONFIG,
                        "lz4",
                        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                        StringSerializer.class.getName(),
                        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                        StringSerializer.class.getName())))) {
            for (int r = 0; r < rounds; r++) {
                String run = UUID.randomUUID().toString().substring(0, 8);
                long start = System.nanoTime();
                for (int i = 0; i < perRound; i += BULK) {
                    ArrayNode bulk = JSON.createArrayNode();
                    for (int j = i; j < Math.min(perRound, i + BULK); j++) {
                        bulk.add(registration("rest-" + run + "-" + j, j));
                    }
                    HttpResponse<String> resp = http.send(
                            HttpRequest.newBuilder(URI.create(url + "/api/v1/registrations"))
                                    .header("Content-Type", "application/json")
                                    .timeout(Duration.ofMinutes(2))
                                    .header("Authorization", "Bearer " + adminToken())
                                    .POST(HttpRequest.BodyPublishers.ofString(bulk.toString()))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (resp.statusCode() != 200) {
                        throw new IllegalStateException("HTTP " + resp.statusCode() + ": " + resp.body());
                    }
                }
                rest[r] = perRound / ((System.nanoTime() - start) / 1e9);

                long nodesBefore = settled(admin);
                start = System.nanoTime();
                for (int j = 0; j < perRound; j++) {
                    ObjectNode reg = registration("kafka-" + run + "-" + j, j);
                    producer.send(new ProducerRecord<>(
                            "fleet.registrations", reg.get("deviceId").asText(), reg.toString()));
                }
                producer.flush();
                // the REST round's NodeFacts have all been relayed (settled), so every record from here on is one of
                // this round's Kafka registrations
                while (total(endOffsets(admin, Topics.NODES)) < nodesBefore + perRound) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
                }
                kafka[r] = perRound / ((System.nanoTime() - start) / 1e9);
                System.out.printf(
                        "round %d: REST bulk %,.0f registrations/s, Kafka %,.0f registrations/s (%d each)%n",
                        r + 1, rest[r], kafka[r], perRound);
            }
        }
        Arrays.sort(rest);
        Arrays.sort(kafka);
        System.out.printf(
                "median: REST bulk %,.0f registrations/s, Kafka %,.0f registrations/s; ratio Kafka/REST %.2f%n",
                rest[rounds / 2], kafka[rounds / 2], kafka[rounds / 2] / rest[rounds / 2]);
    }

    static ObjectNode registration(String id, int i) {
        ObjectNode n = JSON.createObjectNode();
        n.put("deviceId", id);
        n.put("site", "site-" + (i % 50));
        String[] images = {
            "Talos (v1.8.2)",
            "Flatcar Container Linux by Kinvolk 3975.2.1 (Oklo)",
            "Ubuntu 22.04.5 LTS",
            "Bottlerocket OS 1.26.1 (aws-k8s-1.31)",
            "Red Hat Enterprise Linux CoreOS 418.94.202501221327-0"
        };
        n.put("osImage", images[i % images.length]);
        n.put("kernelVersion", "6.6.58");
        n.putObject("host").put("architecture", "amd64").put("cpuCores", 8).put("memoryMiB", 16384);
        if (i % 3 != 0) {
            n.putObject("cluster").put("id", "bench-cluster-" + (i % 200)).put("distribution", "k3s");
        }
        n.putObject("labels").put("rack", "r" + (i % 40));
        return n;
    }

    static Map<TopicPartition, Long> endOffsets(Admin admin, String topic) throws Exception {
        Map<TopicPartition, OffsetSpec> req = new HashMap<>();
        admin.describeTopics(List.of(topic))
                .allTopicNames()
                .get()
                .get(topic)
                .partitions()
                .forEach(p -> req.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        Map<TopicPartition, Long> out = new HashMap<>();
        admin.listOffsets(req).all().get().forEach((tp, info) -> out.put(tp, info.offset()));
        return out;
    }

    /** fleet.nodes' total end offset once the relay has stopped adding to it (unchanged over 300 ms). */
    static long settled(Admin admin) throws Exception {
        long last = -1;
        long now = total(endOffsets(admin, Topics.NODES));
        while (now != last) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(300));
            last = now;
            now = total(endOffsets(admin, Topics.NODES));
        }
        return now;
    }

    static long total(Map<TopicPartition, Long> offsets) {
        return offsets.values().stream().mapToLong(Long::longValue).sum();
    }

    /** bin/fleet-local's admin token (writes need one): FLEET_TOKEN, else .local/admin-token under the checkout. */
    static String adminToken() throws java.io.IOException {
        String token = System.getenv("FLEET_TOKEN");
        if (token != null && !token.isBlank()) {
            return token.trim();
        }
        String home = System.getenv("FLEET_LOCAL_HOME");
        java.nio.file.Path state = home != null
                ? java.nio.file.Path.of(home)
                : java.nio.file.Path.of(System.getProperty("fleet.root", ".")).resolve(".local");
        return java.nio.file.Files.readString(state.resolve("admin-token")).trim();
    }
}
