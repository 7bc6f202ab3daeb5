package dev.arcfleet.planner.plan;

import dev.arcfleet.contracts.Channels;
import dev.arcfleet.contracts.Decision;
import dev.arcfleet.contracts.EventTypes;
import dev.arcfleet.contracts.NodeFacts;
import dev.arcfleet.contracts.NodeRetired;
import dev.arcfleet.planner.metrics.PlannerMetrics;
import dev.arcfleet.support.db.DatabaseFailures;
import dev.arcfleet.support.inbox.DeadLetters;
import dev.arcfleet.support.inbox.IncomingEvent;
import dev.arcfleet.support.inbox.JsonReader;
import dev.arcfleet.support.inbox.PoisonRecordException;
import dev.arcfleet.support.log.Correlation;
import dev.arcfleet.support.log.LogSafe;
import dev.arcfleet.support.retry.RetryPolicy;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * {@code fleet.nodes} in batches (up to {@code max.poll.records}), in partition order: unusable records are
 * dead-lettered, the rest decided in one transaction, then the batch is committed. No processed marks: every event is
 * idempotent by content against the node's stored decision ({@link PlanningService#onFacts} and
 * {@link PlanningService#onRetired}: facts already decided on under the current policy, facts older than those, and a
 * retirement of facts the node no longer has change nothing), so a redelivery, an outbox's resend or a replay under the
 * same policy publishes nothing, and a replay after a policy change decides every node again on its latest facts
 * (docs/architecture.md, data path). While the database is unavailable the batch is retried with backoff
 * for as long as it takes; another failure is retried a few times, then fails the channel rather than dead-lettering
 * good events.
 */
@ApplicationScoped
public class NodeFactsConsumer {
    /** A failure other than an unavailable database: retried with backoff (0.5 s, 1 s, 2 s, 4 s, 8 s), then the channel fails. */
    static final int STORE_ATTEMPTS = 6;

    static final RetryPolicy STORE_RETRY = RetryPolicy.exponential(Duration.ofMillis(500), Duration.ofSeconds(8))
            .withMaxAttempts(STORE_ATTEMPTS);

    private final PlanningService planning;
    private final JsonReader json;
    private final MutinyEmitter<String> deadLetters;
    private final PlannerMetrics metrics;

    private record Decided(Decision decision, Instant observedAt) {}

    public NodeFactsConsumer(
            PlanningService planning,
            JsonReader json,
            @Channel("nodes-dlq") MutinyEmitter<String> deadLetters,
            PlannerMetrics metrics) {
        this.planning = planning;
        this.json = json;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
    }

    /** One usable event of the batch. */
    private record Usable(IncomingEvent event, NodeFacts facts, NodeRetired retired) {}

    @Incoming(Channels.NODES_IN)
    @Blocking
    public void consume(ConsumerRecords<String, String> batch) {
        List<Usable> usable = DeadLetters.readBatch(batch, this::read, deadLetters, "node event");
        if (usable.isEmpty()) {
            return;
        }
        for (int attempt = 1; ; attempt++) {
            try {
                List<Decided> decided = new ArrayList<>();
                QuarkusTransaction.requiringNew().run(() -> {
                    List<NodeFacts> facts = usable.stream()
                            .map(Usable::facts)
                            .filter(Objects::nonNull)
                            .toList();
                    PlanningService.Lookups lookups = planning.lookups(
                            facts.stream().map(NodeFacts::nodeId).collect(Collectors.toSet()),
                            facts.stream()
                                    .map(NodeFacts::clusterId)
                                    .filter(Objects::nonNull)
                                    .collect(Collectors.toSet()));
                    for (Usable u : usable) {
                        String correlationId = u.event().correlationId() != null
                                ? u.event().correlationId()
                                : u.facts() != null
                                        ? u.facts().correlationId()
                                        : u.retired().correlationId();
                        try (Correlation.Scope ignored = Correlation.open(correlationId)) {
                            if (u.facts() != null) {
                                Decision decision =
                                        planning.onFacts(u.facts(), u.event().payload(), correlationId, lookups);
                                if (decision != null) {
                                    decided.add(new Decided(decision, u.facts().observedAt()));
                                }
                            } else {
                                planning.onRetired(u.retired());
                            }
                        }
                    }
                });
                Instant committed = Instant.now();
                Log.infof("batch of %d node events: %d decisions published", batch.count(), decided.size());
                decided.forEach(d -> metrics.decided(d.decision(), d.observedAt(), committed));
                return;
            } catch (RuntimeException e) {
                // a database that is away is waited for however long it takes; other failures fail the channel
                if (!STORE_RETRY.allowsRetryAfter(attempt) && !DatabaseFailures.unavailable(e)) {
                    throw e;
                }
                long backoffMs = STORE_RETRY.delay(attempt).toMillis();
                Log.warnf(
                        "deciding %d node events failed (attempt %d of %d), retrying in %d ms: %s",
                        usable.size(), attempt, STORE_ATTEMPTS, backoffMs, LogSafe.of(e.getMessage()));
                if (!RetryPolicy.park(Duration.ofMillis(backoffMs))) {
                    throw e;
                }
            }
        }
    }

    private Usable read(ConsumerRecord<String, String> record) {
        IncomingEvent event = IncomingEvent.from(record);
        String type = event.requireType(EventTypes.NODE_STREAM);
        if (EventTypes.NODE_FACTS.equals(type)) {
            NodeFacts facts = json.read(event, NodeFacts.class);
            if (facts.nodeId() == null
                    || facts.factsHash() == null
                    || facts.os() == null
                    || facts.deviceClass() == null) {
                throw new PoisonRecordException(
                        "node facts " + event.id() + " lack nodeId, factsHash, os or deviceClass");
            }
            return new Usable(event, facts, null);
        }
        NodeRetired retired = json.read(event, NodeRetired.class);
        if (retired.nodeId() == null) {
            throw new PoisonRecordException("node retirement " + event.id() + " lacks nodeId");
        }
        return new Usable(event, null, retired);
    }
}
