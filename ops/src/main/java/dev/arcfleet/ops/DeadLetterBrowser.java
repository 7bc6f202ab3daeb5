package dev.arcfleet.ops;

import dev.arcfleet.ops.DeadLetterPage.PartitionRange;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** Lists dead-lettered records and counts them per dead-letter topic, with what was re-driven. */
@ApplicationScoped
public class DeadLetterBrowser {
    private final OpsKafka kafka;
    private final RedriveLog log;

    public DeadLetterBrowser(OpsKafka kafka, RedriveLog log) {
        this.kafka = kafka;
        this.log = log;
    }

    /**
     * Up to {@code limit} records at or after offset {@code from} of every partition of {@code topic} (or of
     * {@code partition} only), by partition and offset.
     */
    public DeadLetterPage page(String topic, Integer partition, long from, int limit) {
        try (DeadLetterReader reader = new DeadLetterReader(kafka.consumer(limit), topic, kafka.timeoutMs())) {
            List<PartitionRange> all = reader.ranges();
            List<PartitionRange> ranges = partition == null
                    ? all
                    : all.stream().filter(r -> r.partition() == partition).toList();
            if (partition != null && ranges.isEmpty()) {
                throw new InvalidRequestException(
                        "partition", topic + " has " + all.size() + " partitions (0 to " + (all.size() - 1) + ")");
            }
            List<DeadLetter> read = reader.read(ranges, from, limit + 1);
            boolean more = read.size() > limit;
            List<DeadLetter> shown = read.subList(0, Math.min(limit, read.size()));
            Set<Coordinates> redriven = log.redriven(
                    topic,
                    shown.stream()
                            .map(d -> new Coordinates(d.partition(), d.offset()))
                            .toList());
            List<DeadLetterView> views = shown.stream()
                    .map(d -> DeadLetterView.of(d, redriven.contains(new Coordinates(d.partition(), d.offset()))))
                    .toList();
            return new DeadLetterPage(topic, from, limit, ranges, views, more);
        }
    }

    /** Every known dead-letter topic: records held and records re-driven. */
    public List<DeadLetterSummary> summary() {
        Map<String, Long> redriven = log.countsByTopic();
        Admin admin = kafka.admin();
        try {
            Map<String, KafkaFuture<TopicDescription>> described =
                    admin.describeTopics(DeadLetterTopics.KNOWN).topicNameValues();
            Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            List<String> missing = new ArrayList<>();
            for (String topic : DeadLetterTopics.KNOWN) {
                try {
                    kafka.await(described.get(topic), "describing " + topic)
                            .partitions()
                            .forEach(p -> {
                                earliest.put(new TopicPartition(topic, p.partition()), OffsetSpec.earliest());
                                latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest());
                            });
                } catch (BrokerUnavailableException e) {
                    if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                        throw e;
                    }
                    missing.add(topic);
                }
            }
            Map<TopicPartition, ListOffsetsResultInfo> begin = earliest.isEmpty()
                    ? Map.of()
                    : kafka.await(
                            admin.listOffsets(earliest).all(),
                            "listing the beginning offsets of the dead-letter topics");
            Map<TopicPartition, ListOffsetsResultInfo> end = latest.isEmpty()
                    ? Map.of()
                    : kafka.await(admin.listOffsets(latest).all(), "listing the end offsets of the dead-letter topics");
            Map<String, Long> records = new HashMap<>();
            end.forEach((tp, info) ->
                    records.merge(tp.topic(), info.offset() - begin.get(tp).offset(), Long::sum));
            return DeadLetterTopics.KNOWN.stream()
                    .map(t -> new DeadLetterSummary(
                            t,
                            DeadLetterTopics.originalOf(t),
                            !missing.contains(t),
                            records.getOrDefault(t, 0L),
                            redriven.getOrDefault(t, 0L)))
                    .toList();
        } finally {
            admin.close(Duration.ofMillis(kafka.timeoutMs()));
        }
    }
}
