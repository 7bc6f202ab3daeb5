package dev.arcfleet.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arcfleet.contracts.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * A latency run's every sample, for finding when and where a registration waited (a diagnostic beside {@link
 * PipelineBench}, whose runs report percentiles only): registrations at a steady rate, and for each one followed to
 * its PLANNED/BLOCKED event after its node event was seen, a line {@code sentMs totalMs inventoryConsumeAndWrite
 * inventoryCommitAndRelay plannerConsumeAndWrite plannerCommitAndRelay statusToClient}, the first field counted from
 * the run's start, the hops as {@link PipelineBench#HOPS} defines them.
 *
 * <p>Usage: {@code LatencySeries bootstrap rate seconds} (with {@code -Dbench.kafka.properties=...} on the local
 * stack), lines on standard output.
 */
public final class LatencySeries {
    private LatencySeries() {}

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        int rate = Integer.parseInt(args[1]);
        int seconds = Integer.parseInt(args[2]);
        String prefix = "series-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        int total = rate * seconds;
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        Map<String, long[]> nodeStamps = new HashMap<>();
        long start = System.currentTimeMillis();
        int seen = 0;
        try (KafkaConsumer<String, String> events =
                        PipelineBench.consumerAtEnd(bootstrap, Topics.STATUS, Topics.NODES);
                KafkaProducer<String, String> producer = PipelineBench.producer(bootstrap)) {
            Thread sender = PipelineBench.pacedSender(producer, Topics.REGISTRATIONS, prefix, total, rate, sentAt);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds + 120L);
            while (seen < total && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> rec : events.poll(Duration.ofMillis(50))) {
                    long now = System.currentTimeMillis();
                    if (rec.value() == null || !rec.value().contains(prefix)) {
                        continue;
                    }
                    JsonNode event = PipelineBench.JSON.readTree(rec.value());
                    String nodeId = event.path("nodeId").asText("");
                    if (!nodeId.startsWith(prefix)) {
                        continue;
                    }
                    if (rec.topic().equals(Topics.NODES)) {
                        nodeStamps.put(nodeId, new long[] {PipelineBench.ceTime(rec), rec.timestamp()});
                        continue;
                    }
                    String type = event.path("type").asText();
                    Long at = "PLANNED".equals(type) || "BLOCKED".equals(type) ? sentAt.remove(nodeId) : null;
                    if (at == null) {
                        continue;
                    }
                    seen++;
                    long[] node = nodeStamps.remove(nodeId);
                    if (node != null) {
                        System.out.printf(
                                "%d %d %d %d %d %d %d%n",
                                at - start,
                                now - at,
                                node[0] - at,
                                node[1] - node[0],
                                PipelineBench.ceTime(rec) - node[1],
                                rec.timestamp() - PipelineBench.ceTime(rec),
                                now - rec.timestamp());
                    }
                }
            }
            sender.join();
        }
        System.exit(0);
    }
}
