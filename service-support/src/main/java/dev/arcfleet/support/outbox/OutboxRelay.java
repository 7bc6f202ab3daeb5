package dev.arcfleet.support.outbox;

import dev.arcfleet.contracts.Channels;
import dev.arcfleet.contracts.EventTypes;
import dev.arcfleet.support.retry.RetryPolicy;
import dev.arcfleet.support.worker.ManagedWorker;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/**
 * Relays committed outbox rows to Kafka in id order, as CloudEvents in binary mode, and deletes them once the broker
 * has acknowledged them. A crash between commit and publish leaves the rows in place, so they are sent on restart:
 * delivery is at least once, and consumers deduplicate by {@code ce_id}. One relay per database runs at a time
 * (a transaction-scoped advisory lock), which keeps per-key order across instances.
 */
@ApplicationScoped
public class OutboxRelay {
    private static final long ADVISORY_LOCK_KEY = 0x0A2CF1EE7L;
    /** After a failed batch (the broker or the database away): 100 ms doubling to 10 s. */
    static final RetryPolicy BATCH_RETRY = RetryPolicy.exponential(Duration.ofMillis(100), Duration.ofSeconds(10));
    /** How soon an instance that found another relaying looks again. */
    static final Duration LOCK_RETRY = Duration.ofMillis(20);

    private final Emitter<String> emitter;
    private final EntityManager entityManager;
    private final OutboxConfig config;
    private final AtomicLong relayed = new AtomicLong();
    /** Turns that held the lock and found the outbox empty (the idle polls, and any look that came too soon). */
    private final AtomicLong emptyLooks = new AtomicLong();
    /** Sends not yet acknowledged or not yet followed by the delete of their row, by event id. */
    private final Map<String, CompletableFuture<Void>> inFlight = new ConcurrentHashMap<>();

    private volatile boolean paused;
    private final ManagedWorker worker;

    public OutboxRelay(
            @Channel(Channels.OUTBOX_OUT) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 8192)
                    Emitter<String> emitter,
            EntityManager entityManager,
            OutboxConfig config) {
        this.emitter = emitter;
        this.entityManager = entityManager;
        this.config = config;
        this.worker = ManagedWorker.named("outbox-relay")
                .idleWait(config.pollInterval())
                .onFailure(BATCH_RETRY)
                .build(this::relayOnce);
    }

    void start(@Observes StartupEvent event) {
        if (!config.relayEnabled()) {
            Log.info("outbox relay disabled on this instance");
            return;
        }
        worker.start();
    }

    void stop(@Observes ShutdownEvent event) {
        worker.stop();
    }

    /** Asks the relay to look for new rows now rather than at its next poll. */
    public void wakeUp() {
        worker.wakeUp();
    }

    /** Stops relaying after the current batch, leaving rows in the outbox (operators, and the crash test). */
    public void pause() {
        paused = true;
    }

    public void resume() {
        paused = false;
        wakeUp();
    }

    /** Events relayed by this instance since it started. */
    public long relayedCount() {
        return relayed.get();
    }

    /** Turns that found the outbox empty since this instance started. */
    long emptyLooks() {
        return emptyLooks.get();
    }

    /** Batches that failed (not acknowledged in time, refused, or the database away) and were tried again. */
    long failedBatches() {
        return worker.failureCount();
    }

    /** Rows committed and not yet relayed. */
    public long backlog() {
        return QuarkusTransaction.requiringNew()
                .call(() -> ((Number) entityManager
                                .createNativeQuery("select count(*) from outbox_event")
                                .getSingleResult())
                        .longValue());
    }

    /**
     * One turn of the worker: true when it relayed a full batch (then it looks again at once: more rows may be behind
     * it). A smaller batch took every row committed when it read them, and each commit since woke the worker (the
     * outbox's after-commit hook), so the worker waits for that rather than spending a transaction to find the outbox
     * empty: at a steady rate of a few events a second that empty look was one transaction in two.
     */
    private boolean relayOnce() {
        if (paused) {
            return false;
        }
        List<String> relayedIds = relayBatch();
        relayedIds.forEach(inFlight::remove);
        return relayedIds.size() >= config.batchSize();
    }

    /**
     * Sends the oldest rows and deletes them once Kafka acknowledged them all; returns their event ids. A row whose
     * earlier send is still in flight (the broker went away and the producer is retrying it) is not sent again: its
     * pending acknowledgement is awaited instead, so an outage shorter than the producer's delivery timeout puts no
     * copy of an event on the topic.
     */
    List<String> relayBatch() {
        return QuarkusTransaction.requiringNew().call(() -> {
            // The outbox is a queue: between two autovacuum runs its heap holds every row relayed since, dead, while
            // statistics taken when it was empty can make a sequential scan and a sort look cheapest for the read
            // below. That plan reads the whole bloated heap on every batch (7,600 pages per batch in one bench stack,
            // ten times the index's cost); the primary key's index finds the oldest live rows whatever the statistics
            // say. So this transaction plans without sequential or bitmap scans.
            Object[] lockAndPlan = (Object[]) entityManager
                    .createNativeQuery("""
                    select pg_try_advisory_xact_lock(:key), set_config('enable_seqscan', 'off', true),
                           set_config('enable_bitmapscan', 'off', true)""")
                    .setParameter("key", ADVISORY_LOCK_KEY)
                    .getSingleResult();
            if (!Boolean.TRUE.equals(lockAndPlan[0])) {
                // another instance relays: the rows this one's commits added may be after what that one read, so look
                // again soon rather than at the next poll
                worker.wakeUpIn(LOCK_RETRY);
                return List.<String>of();
            }
            List<OutboxEvent> batch = entityManager
                    .createQuery("from OutboxEvent order by id", OutboxEvent.class)
                    .setMaxResults(config.batchSize())
                    .getResultList();
            if (batch.isEmpty()) {
                emptyLooks.incrementAndGet();
                return List.<String>of();
            }
            List<CompletableFuture<Void>> acks = new ArrayList<>(batch.size());
            for (OutboxEvent row : batch) {
                CompletableFuture<Void> ack = inFlight.computeIfAbsent(row.eventId, id -> send(row));
                // a send the producer gave up on is sent again by a later batch
                ack.whenComplete((ignored, failure) -> {
                    if (failure != null) {
                        inFlight.remove(row.eventId, ack);
                    }
                });
                acks.add(ack);
            }
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new))
                    .get(config.sendTimeout().toMillis(), TimeUnit.MILLISECONDS);
            // one statement text for every batch size (an "in" list is planned anew for each length)
            entityManager
                    .createNativeQuery("delete from outbox_event where id = any(cast(:ids as bigint[]))")
                    .setParameter("ids", batch.stream().map(r -> r.id).toArray(Long[]::new))
                    .executeUpdate();
            relayed.addAndGet(batch.size());
            return batch.stream().map(r -> r.eventId).toList();
        });
    }

    private CompletableFuture<Void> send(OutboxEvent row) {
        RecordHeaders headers = new RecordHeaders();
        header(headers, EventTypes.CE_SPECVERSION, "1.0");
        header(headers, EventTypes.CE_ID, row.eventId);
        header(headers, EventTypes.CE_TYPE, row.type);
        header(headers, EventTypes.CE_SOURCE, config.source());
        header(headers, EventTypes.CE_TIME, DateTimeFormatter.ISO_INSTANT.format(row.createdAt));
        header(headers, EventTypes.CONTENT_TYPE, "application/json");
        if (row.key != null) {
            header(headers, EventTypes.CE_SUBJECT, row.key);
        }
        if (row.correlationId != null) {
            header(headers, EventTypes.CE_CORRELATION_ID, row.correlationId);
        }
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(row.topic)
                .withKey(row.key)
                .withHeaders(headers)
                .build();
        CompletableFuture<Void> ack = new CompletableFuture<>();
        emitter.send(Message.of(
                row.payload,
                Metadata.of(metadata),
                () -> {
                    ack.complete(null);
                    return CompletableFuture.completedFuture(null);
                },
                failure -> {
                    ack.completeExceptionally(failure);
                    return CompletableFuture.completedFuture(null);
                }));
        return ack;
    }

    private static void header(RecordHeaders headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
