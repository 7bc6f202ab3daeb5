package dev.arcfleet.ops;

import dev.arcfleet.contracts.Topics;
import dev.arcfleet.ops.DeadLetterPage.PartitionRange;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Re-drives dead-lettered records to their original topic, each at most once, losing none.
 *
 * <p>Order, per batch of records, in one database transaction: take the topic's re-drive lock (a PostgreSQL advisory
 * lock, so two re-drives of one DLQ topic, from this or another instance, never interleave a batch; a second one
 * answers 409), read which of the batch were re-driven already (those are not sent), send the others with an
 * idempotent {@code acks=all} producer, wait until the broker acknowledged every one, then insert one
 * {@code dead_letter_redrive} row per record and commit. A record is recorded only once it is on its topic, so no
 * re-drive is lost: a send that fails or times out rolls the batch back, and the 503 says so. The price is on the
 * other side: a crash, a database failure or a send failure between the first acknowledgement and the commit leaves
 * copies on the topic whose rows were never written, and running the re-drive again sends those once more. Every
 * consumer here tolerates that copy (they are idempotent by CloudEvents id, which the copy keeps; a plain-JSON
 * registration without one is stored again as UNCHANGED). Sending after the insert instead would trade that
 * duplicate for a re-drive recorded but never sent, which nobody would notice.
 */
@ApplicationScoped
public class Redriver {
    private static final int MAX_BY = 128;

    private final OpsKafka kafka;
    private final RedriveLog log;
    private final OpsConfig config;

    public Redriver(OpsKafka kafka, RedriveLog log, OpsConfig config) {
        this.kafka = kafka;
        this.log = log;
        this.config = config;
    }

    public RedriveResult redrive(RedriveRequest request, String by) {
        String who = by.length() > MAX_BY ? by.substring(0, MAX_BY) : by;
        Progress progress = new Progress();
        KafkaProducer<String, String> producer = kafka.producer();
        try (DeadLetterReader reader =
                new DeadLetterReader(kafka.consumer(config.redriveBatchSize()), request.topic(), kafka.timeoutMs())) {
            List<PartitionRange> ranges = reader.ranges();
            if (request.all()) {
                reader.readAll(
                        ranges,
                        config.redriveBatchSize(),
                        batch -> progress.add(batch(request.topic(), batch, producer, who, progress)));
                return RedriveResult.of(request.topic(), progress.items);
            }
            Map<Coordinates, DeadLetter> found = reader.fetch(ranges, request.records());
            List<DeadLetter> batch = new ArrayList<>();
            for (Coordinates c : request.records()) {
                DeadLetter d = found.get(c);
                if (d != null) {
                    batch.add(d);
                }
                if (batch.size() == config.redriveBatchSize()) {
                    progress.add(batch(request.topic(), batch, producer, who, progress));
                    batch.clear();
                }
            }
            if (!batch.isEmpty()) {
                progress.add(batch(request.topic(), batch, producer, who, progress));
            }
            Map<Coordinates, RedriveItem> outcome = new HashMap<>();
            progress.items.forEach(i -> outcome.put(i.coordinates(), i));
            List<RedriveItem> inOrder = request.records().stream()
                    .map(c -> outcome.getOrDefault(
                            c,
                            RedriveItem.of(
                                    c,
                                    RedriveItem.Status.NOT_FOUND,
                                    "no record at partition " + c.partition() + ", offset " + c.offset())))
                    .toList();
            return RedriveResult.of(request.topic(), inOrder);
        } finally {
            producer.close(Duration.ofMillis(kafka.timeoutMs()));
        }
    }

    private List<RedriveItem> batch(
            String dlqTopic,
            List<DeadLetter> batch,
            KafkaProducer<String, String> producer,
            String by,
            Progress progress) {
        try {
            return QuarkusTransaction.requiringNew()
                    .timeout(transactionTimeoutSeconds())
                    .call(() -> {
                        if (!log.tryLock(dlqTopic)) {
                            throw new RedriveStoppedException(
                                    409,
                                    "another re-drive of " + dlqTopic + " is running; send this one"
                                            + " again when it is done" + progress.before(),
                                    null);
                        }
                        Set<Coordinates> done = log.redriven(
                                dlqTopic,
                                batch.stream()
                                        .map(d -> new Coordinates(d.partition(), d.offset()))
                                        .toList());
                        RedriveItem[] items = new RedriveItem[batch.size()];
                        Map<Integer, Future<RecordMetadata>> sends = new HashMap<>();
                        for (int i = 0; i < batch.size(); i++) {
                            DeadLetter d = batch.get(i);
                            Coordinates at = new Coordinates(d.partition(), d.offset());
                            if (done.contains(at)) {
                                items[i] = RedriveItem.of(at, RedriveItem.Status.ALREADY_REDRIVEN, null);
                            } else if (!Topics.MAIN.contains(d.originalTopic())) {
                                items[i] = RedriveItem.of(
                                        at,
                                        RedriveItem.Status.REFUSED,
                                        DeadLetter.ORIGINAL_TOPIC + " names " + d.originalTopic()
                                                + ", which is not a topic the services consume");
                            } else {
                                sends.put(i, producer.send(d.redriveCopy()));
                            }
                        }
                        Instant now = Instant.now();
                        long deadline = System.currentTimeMillis() + kafka.sendTimeoutMs() + kafka.timeoutMs();
                        for (Map.Entry<Integer, Future<RecordMetadata>> send : sends.entrySet()) {
                            DeadLetter d = batch.get(send.getKey());
                            RecordMetadata sent = acknowledged(send.getValue(), d, deadline);
                            log.record(d, sent.topic(), sent.partition(), sent.offset(), now, by);
                            items[send.getKey()] =
                                    RedriveItem.redriven(d, sent.topic(), sent.partition(), sent.offset());
                        }
                        if (!sends.isEmpty()) {
                            Log.infof("re-drove %d records of %s (by %s)", sends.size(), dlqTopic, by);
                        }
                        return List.of(items);
                    });
        } catch (RedriveStoppedException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new RedriveStoppedException(
                    503,
                    "re-drive of " + dlqTopic + " stopped: " + e.getMessage()
                            + progress.before() + "; this batch of " + batch.size()
                            + " was not recorded, and those of it the"
                            + " broker had taken will be sent again by the next re-drive (consumers skip the copies)",
                    e);
        }
    }

    private RecordMetadata acknowledged(Future<RecordMetadata> send, DeadLetter d, long deadline) {
        try {
            return send.get(Math.max(0, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new BrokerUnavailableException(
                    "sending " + d.coordinates() + " to " + d.originalTopic() + " failed: "
                            + e.getCause().getMessage(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new BrokerUnavailableException("the broker did not acknowledge " + d.coordinates() + " in time", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerUnavailableException("interrupted while sending " + d.coordinates(), e);
        }
    }

    private int transactionTimeoutSeconds() {
        return (int) ((kafka.sendTimeoutMs() + 2 * kafka.timeoutMs()) / 1000) + 30;
    }

    /** The outcomes so far of one request. */
    private static final class Progress {
        final List<RedriveItem> items = new ArrayList<>();

        void add(List<RedriveItem> batch) {
            items.addAll(batch);
        }

        String before() {
            long redriven = items.stream()
                    .filter(i -> i.status() == RedriveItem.Status.REDRIVEN)
                    .count();
            return redriven == 0 ? "" : " (" + redriven + " records were re-driven and recorded before)";
        }
    }
}
