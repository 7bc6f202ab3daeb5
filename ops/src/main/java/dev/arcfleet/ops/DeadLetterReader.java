package dev.arcfleet.ops;

import dev.arcfleet.ops.DeadLetterPage.PartitionRange;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads one dead-letter topic with a group-less consumer ({@code assign} and {@code seek}): a partition's offsets, the
 * records at given offsets, or every record up to the end offsets seen when reading began. A read that makes no
 * progress for the Kafka timeout fails with {@link BrokerUnavailableException}. Closing it closes the consumer.
 */
public class DeadLetterReader implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(200);

    private final KafkaConsumer<String, String> consumer;
    private final String topic;
    private final long timeoutMs;

    public DeadLetterReader(KafkaConsumer<String, String> consumer, String topic, long timeoutMs) {
        this.consumer = consumer;
        this.topic = topic;
        this.timeoutMs = timeoutMs;
    }

    /** Each partition's beginning and end offsets, by partition; empty when the topic does not exist. */
    public List<PartitionRange> ranges() {
        List<PartitionInfo> infos = call(
                () -> consumer.partitionsFor(topic, Duration.ofMillis(timeoutMs)),
                "reading the partitions of " + topic);
        if (infos == null || infos.isEmpty()) {
            return List.of();
        }
        List<TopicPartition> partitions = infos.stream()
                .map(i -> new TopicPartition(topic, i.partition()))
                .toList();
        // assigned, so the read_committed end offsets (last stable offsets) are kept for them
        consumer.assign(partitions);
        Map<TopicPartition, Long> beginning = call(
                () -> consumer.beginningOffsets(partitions, Duration.ofMillis(timeoutMs)),
                "reading the beginning offsets of " + topic);
        Map<TopicPartition, Long> end = call(
                () -> consumer.endOffsets(partitions, Duration.ofMillis(timeoutMs)),
                "reading the end offsets of " + topic);
        return partitions.stream()
                .map(tp -> new PartitionRange(tp.partition(), beginning.get(tp), end.get(tp)))
                .sorted(Comparator.comparingInt(PartitionRange::partition))
                .toList();
    }

    /**
     * Records from offset {@code from} on (or the partition's beginning, if later) of {@code ranges}, partition after
     * partition, by offset, until {@code count} records are read or the ranges end.
     */
    public List<DeadLetter> read(List<PartitionRange> ranges, long from, int count) {
        List<DeadLetter> records = new ArrayList<>();
        for (PartitionRange r : ranges.stream()
                .sorted(Comparator.comparingInt(PartitionRange::partition))
                .toList()) {
            long start = Math.max(from, r.beginningOffset());
            int wanted = count - records.size();
            if (wanted <= 0) {
                break;
            }
            if (start < r.endOffset()) {
                TopicPartition tp = new TopicPartition(topic, r.partition());
                List<DeadLetter> read = new ArrayList<>();
                readUntil(
                        Map.of(tp, start),
                        Map.of(tp, Math.min(r.endOffset(), start + wanted)),
                        Integer.MAX_VALUE,
                        read::addAll);
                read.sort(Comparator.comparingLong(DeadLetter::offset));
                records.addAll(read);
            }
        }
        return records;
    }

    /** Every record from the beginning to the end offsets of {@code ranges}, in batches of up to {@code batchSize}. */
    public void readAll(List<PartitionRange> ranges, int batchSize, Consumer<List<DeadLetter>> batches) {
        Map<TopicPartition, Long> startAt = new HashMap<>();
        Map<TopicPartition, Long> stopAt = new HashMap<>();
        for (PartitionRange r : ranges) {
            if (r.beginningOffset() < r.endOffset()) {
                TopicPartition tp = new TopicPartition(topic, r.partition());
                startAt.put(tp, r.beginningOffset());
                stopAt.put(tp, r.endOffset());
            }
        }
        readUntil(startAt, stopAt, batchSize, batches);
    }

    /**
     * The records at {@code wanted}, by coordinates; an offset outside its partition's range, a partition the topic
     * does not have, or an offset holding no record (a transaction marker) is not in the answer.
     */
    public Map<Coordinates, DeadLetter> fetch(List<PartitionRange> ranges, Collection<Coordinates> wanted) {
        Map<Integer, NavigableSet<Long>> byPartition = new HashMap<>();
        for (Coordinates c : wanted) {
            ranges.stream()
                    .filter(r -> r.partition() == c.partition()
                            && c.offset() >= r.beginningOffset()
                            && c.offset() < r.endOffset())
                    .findFirst()
                    .ifPresent(r -> byPartition
                            .computeIfAbsent(c.partition(), p -> new TreeSet<>())
                            .add(c.offset()));
        }
        Map<Coordinates, DeadLetter> found = new HashMap<>();
        for (Map.Entry<Integer, NavigableSet<Long>> e : byPartition.entrySet()) {
            TopicPartition tp = new TopicPartition(topic, e.getKey());
            NavigableSet<Long> pending = e.getValue();
            consumer.assign(List.of(tp));
            while (!pending.isEmpty()) {
                long next = pending.first();
                consumer.seek(tp, next);
                long deadline = System.currentTimeMillis() + timeoutMs;
                long position = next;
                while (position <= next) {
                    for (ConsumerRecord<String, String> r :
                            call(() -> consumer.poll(POLL).records(tp), "reading " + tp)) {
                        if (pending.remove(r.offset())) {
                            found.put(new Coordinates(r.partition(), r.offset()), DeadLetter.of(r));
                        }
                    }
                    position = call(() -> consumer.position(tp, Duration.ofMillis(timeoutMs)), "reading " + tp);
                    failIfLate(deadline, tp);
                }
                // offsets passed over without a record (transaction markers) hold none
                pending.headSet(position, false).clear();
            }
        }
        return found;
    }

    private void readUntil(
            Map<TopicPartition, Long> startAt,
            Map<TopicPartition, Long> stopAt,
            int batchSize,
            Consumer<List<DeadLetter>> batches) {
        if (startAt.isEmpty()) {
            return;
        }
        consumer.assign(startAt.keySet());
        startAt.forEach(consumer::seek);
        Map<TopicPartition, Long> pending = new HashMap<>(stopAt);
        List<DeadLetter> batch = new ArrayList<>();
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (!pending.isEmpty()) {
            var polled = call(() -> consumer.poll(POLL), "reading " + topic);
            for (ConsumerRecord<String, String> r : polled) {
                TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                if (r.offset() < stopAt.get(tp)) {
                    batch.add(DeadLetter.of(r));
                }
                if (batch.size() >= batchSize) {
                    batches.accept(List.copyOf(batch));
                    batch.clear();
                }
            }
            for (TopicPartition tp : List.copyOf(pending.keySet())) {
                if (call(() -> consumer.position(tp, Duration.ofMillis(timeoutMs)), "reading " + tp)
                        >= pending.get(tp)) {
                    pending.remove(tp);
                    consumer.pause(List.of(tp));
                }
            }
            if (!polled.isEmpty()) {
                deadline = System.currentTimeMillis() + timeoutMs;
            }
            failIfLate(deadline, topic);
        }
        if (!batch.isEmpty()) {
            batches.accept(List.copyOf(batch));
        }
    }

    private void failIfLate(long deadline, Object what) {
        if (System.currentTimeMillis() > deadline) {
            throw new BrokerUnavailableException(
                    "reading " + what + " made no progress within " + timeoutMs / 1000 + " s", null);
        }
    }

    private static <T> T call(Supplier<T> call, String what) {
        try {
            return call.get();
        } catch (KafkaException e) {
            throw new BrokerUnavailableException(what + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        consumer.close(CloseOptions.timeout(Duration.ofMillis(timeoutMs)));
    }
}
