package dev.arcfleet.inventory.registrations;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arcfleet.contracts.Channels;
import dev.arcfleet.contracts.EventTypes;
import dev.arcfleet.contracts.FactsSource;
import dev.arcfleet.contracts.FieldError;
import dev.arcfleet.contracts.NodeFacts;
import dev.arcfleet.contracts.Registration;
import dev.arcfleet.facts.normalize.FactsNormalizer;
import dev.arcfleet.facts.normalize.RegistrationValidator;
import dev.arcfleet.facts.normalize.Validated;
import dev.arcfleet.inventory.nodes.KnownFacts;
import dev.arcfleet.inventory.nodes.LastSeen;
import dev.arcfleet.support.db.DatabaseFailures;
import dev.arcfleet.support.inbox.DeadLetters;
import dev.arcfleet.support.inbox.IncomingEvent;
import dev.arcfleet.support.inbox.PoisonRecordException;
import dev.arcfleet.support.inbox.ProcessedEvents;
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
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Registrations produced straight to {@code fleet.registrations} by devices and importers, consumed in batches (up to
 * {@code max.poll.records}): every record is validated like a REST one, its CloudEvents headers too (bounded, safe
 * characters: {@link IncomingEvent#from}); a bad record goes to {@code fleet.registrations.dlq} (original key, value
 * and headers, every bad field in {@code dead-letter-reason}) before the batch is committed; the good ones are
 * registered in one transaction. A registration the registry refuses once normalized (a derived value longer than its
 * column) is dead-lettered alone after that transaction, its event not marked processed. Offsets are committed only
 * after all of it, so a crash replays the batch (duplicates are skipped by event id).
 *
 * <p>A failure to store is told apart by whose it is. The database being away is nobody's: storing is retried with
 * backoff up to 8 s for as long as it takes. A failure that comes from the data (a value PostgreSQL refuses, a
 * constraint: {@link DatabaseFailures#recordsOwnFault}) is looked for record by record, each in its own transaction,
 * and only the record that fails alone is dead-lettered, with the failure as its reason; the rest of the batch is
 * stored and the channel keeps running. Any other failure is retried about 15 s, then fails the channel (readiness goes
 * down). Good registrations are never dead-lettered.
 */
@ApplicationScoped
public class RegistrationConsumer {
    static final String DLQ_CHANNEL = "registrations-dlq";
    static final String CONSUMER = "registrations";
    /** A failure other than an unavailable database: retried with backoff (0.5 s, 1 s, 2 s, 4 s, 8 s), then the channel fails. */
    static final int STORE_ATTEMPTS = 6;

    static final RetryPolicy STORE_RETRY = RetryPolicy.exponential(Duration.ofMillis(500), Duration.ofSeconds(8))
            .withMaxAttempts(STORE_ATTEMPTS);

    private final RegistrationValidator validator;
    private final RegistrationService registrations;
    private final ProcessedEvents processed;
    private final ObjectMapper mapper;
    private final MutinyEmitter<String> deadLetters;
    private final RegistrationMetrics metrics;
    private final FactsNormalizer normalizer;
    private final KnownFacts knownFacts;
    private final LastSeen lastSeen;

    public RegistrationConsumer(
            RegistrationValidator validator,
            RegistrationService registrations,
            ProcessedEvents processed,
            ObjectMapper mapper,
            @Channel(DLQ_CHANNEL) MutinyEmitter<String> deadLetters,
            RegistrationMetrics metrics,
            FactsNormalizer normalizer,
            KnownFacts knownFacts,
            LastSeen lastSeen) {
        this.metrics = metrics;
        this.normalizer = normalizer;
        this.knownFacts = knownFacts;
        this.lastSeen = lastSeen;
        this.validator = validator;
        this.registrations = registrations;
        this.processed = processed;
        this.mapper = mapper;
        this.deadLetters = deadLetters;
    }

    /**
     * A record read: its registration, or null for a value known to be its node's heartbeat
     * ({@link KnownFacts#samePayload}, not parsed); the node it registers ({@code nodeId}); the hash of its value
     * ({@code payloadHash}), null when it has no key (a value is only known under the key it came with).
     */
    private record Good(
            ConsumerRecord<String, String> record,
            String eventId,
            Registration registration,
            String nodeId,
            long[] payloadHash) {
        boolean knownPayload() {
            return registration == null;
        }
    }

    /** A registration for the full path, with its facts when they were normalized to tell a heartbeat (else null). */
    private record Changed(Good good, NodeFacts facts) {}

    /** A record the registry would not take, and why. */
    private record Refusal(Good good, String reason) {}

    @Incoming(Channels.REGISTRATIONS_IN)
    @Blocking
    public void consume(ConsumerRecords<String, String> batch) {
        List<Good> good = DeadLetters.readBatch(batch, this::read, deadLetters, "registration");
        if (good.size() < batch.count()) {
            metrics.count(FactsSource.REGISTRATION.name(), "REJECTED", batch.count() - good.size());
        }
        List<Changed> changed = withoutHeartbeats(good);
        if (!changed.isEmpty()) {
            store(changed);
        }
    }

    /**
     * The value's hash for a record keyed by a node id with something in its value: the only records whose value
     * {@link KnownFacts} may know.
     */
    private static long[] payloadHash(IncomingEvent event) {
        return event.key() == null || event.payload() == null || event.payload().isBlank()
                ? null
                : KnownFacts.payloadHash(event.payload());
    }

    /** Remembers that the record's value normalized to {@code factsHash}, when it is keyed by its node's id. */
    private void payloadSeen(Good g, String factsHash) {
        if (g.payloadHash() != null
                && factsHash != null
                && g.nodeId().equals(g.record().key())) {
            knownFacts.payloadSeen(g.nodeId(), factsHash, g.payloadHash());
        }
    }

    /**
     * Answers the registrations whose facts are those stored for their node ({@link KnownFacts}) with a last-seen time
     * and nothing else: no transaction, no processed mark (seeing one again changes nothing), no event. Returns the
     * others, in order, for the full path; once a node has a registration there, its later ones in the batch follow
     * it, so a change and a change back are both stored. A record whose value is known to be its node's heartbeat
     * ({@link KnownFacts#samePayload}) is answered without being parsed; should it follow its node into the full path,
     * it is parsed and validated there.
     */
    private List<Changed> withoutHeartbeats(List<Good> good) {
        if (good.isEmpty() || knownFacts.size() == 0) {
            // nothing known (a value known when it was read was forgotten since): all of it takes the full path
            List<Changed> all = new ArrayList<>(good.size());
            for (Good g : good) {
                Good read = g.knownPayload() ? parsed(g) : g;
                if (read != null) {
                    all.add(new Changed(read, null));
                }
            }
            return all;
        }
        Instant now = Instant.now();
        List<Changed> rest = new ArrayList<>(good.size());
        Set<String> inFullPath = new HashSet<>();
        for (Good g : good) {
            String nodeId = g.nodeId();
            NodeFacts facts = null;
            if (!inFullPath.contains(nodeId)) {
                if (g.knownPayload()) {
                    lastSeen.seen(nodeId, now);
                    continue;
                }
                facts = normalized(g);
                String factsHash = facts == null ? null : facts.factsHash();
                if (knownFacts.unchanged(nodeId, factsHash)) {
                    lastSeen.seen(nodeId, now);
                    payloadSeen(g, factsHash);
                    continue;
                }
                inFullPath.add(nodeId);
            }
            if (g.knownPayload()) {
                g = parsed(g);
                if (g == null) {
                    continue;
                }
            }
            rest.add(new Changed(g, facts));
        }
        if (rest.size() < good.size()) {
            metrics.count(
                    FactsSource.REGISTRATION.name(), RegistrationOutcome.UNCHANGED.name(), good.size() - rest.size());
        }
        return rest;
    }

    /**
     * A record whose value was known, parsed and validated as any other (it is the value of a registration stored
     * before, so it reads); null, after dead-lettering it, should it not.
     */
    private Good parsed(Good known) {
        try {
            return read(known.record(), false);
        } catch (PoisonRecordException e) {
            deadLetter(known, e.getMessage(), e);
            metrics.count(FactsSource.REGISTRATION.name(), "REJECTED", 1);
            return null;
        }
    }

    /** Stores the records in one transaction; when that fails for a record's own reasons, finds that record. */
    private void store(List<Changed> good) {
        for (int attempt = 1; ; attempt++) {
            List<Refusal> refused = new ArrayList<>();
            List<Runnable> afterCommit = new ArrayList<>();
            try {
                QuarkusTransaction.requiringNew().run(() -> {
                    refused.clear();
                    afterCommit.clear();
                    refused.addAll(register(good, afterCommit));
                });
                // committed, and the node's entries in KnownFacts replaced by then (the registry's after-commit work)
                afterCommit.forEach(Runnable::run);
                refused.forEach(r -> deadLetter(r.good(), r.reason(), null));
                return;
            } catch (RuntimeException e) {
                if (DatabaseFailures.recordsOwnFault(e)) {
                    if (good.size() == 1) {
                        deadLetter(good.get(0).good(), "the registration could not be stored: " + rootMessage(e), e);
                        metrics.count(FactsSource.REGISTRATION.name(), "REJECTED", 1);
                        return;
                    }
                    Log.warnf(
                            "storing %d registrations failed on their data (%s); storing them one by one to find the "
                                    + "record at fault",
                            good.size(), LogSafe.of(rootMessage(e)));
                    good.forEach(g -> store(List.of(g)));
                    return;
                }
                // a database that is away is waited for however long it takes; other failures fail the channel
                if (!STORE_RETRY.allowsRetryAfter(attempt) && !DatabaseFailures.unavailable(e)) {
                    throw e;
                }
                long backoffMs = STORE_RETRY.delay(attempt).toMillis();
                Log.warnf(
                        "storing %d registrations failed (attempt %d of %d), retrying in %d ms: %s",
                        good.size(), attempt, STORE_ATTEMPTS, backoffMs, LogSafe.of(e.getMessage()));
                if (!RetryPolicy.park(Duration.ofMillis(backoffMs))) {
                    throw e;
                }
            }
        }
    }

    /**
     * The facts the registration normalizes to (event fields to be stamped by the registry); null when it does not
     * normalize (the full path says why).
     */
    private NodeFacts normalized(Good g) {
        try {
            return normalizer.normalize(g.registration(), FactsSource.REGISTRATION, Instant.EPOCH, g.eventId(), null);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private List<Refusal> register(List<Changed> good, List<Runnable> afterCommit) {
        Set<String> firstTime = processed.markFirstTime(
                CONSUMER, good.stream().map(c -> c.good().eventId()).toList());
        List<Changed> fresh = new ArrayList<>(good.size());
        for (Changed c : good) {
            if (firstTime.remove(c.good().eventId())) {
                fresh.add(c);
            }
        }
        if (fresh.isEmpty()) {
            return List.of();
        }
        // Kafka registrations carry no identity (the broker's ACL decides who may write the topic): they may create
        // nodes, but not take another site's node or cluster
        List<Registered> outcomes = registrations.register(
                fresh.stream().map(c -> c.good().registration()).toList(),
                fresh.stream().map(Changed::facts).toList(),
                FactsSource.REGISTRATION,
                Registrant.KAFKA);
        List<Refusal> refused = new ArrayList<>();
        for (int i = 0; i < fresh.size(); i++) {
            Good g = fresh.get(i).good();
            String factsHash = outcomes.get(i).factsHash();
            // in batch order: of a node's values, the one written last is the one its entry keeps
            afterCommit.add(() -> payloadSeen(g, factsHash));
            if (!outcomes.get(i).stored()) {
                refused.add(new Refusal(
                        fresh.get(i).good(),
                        "registration " + fresh.get(i).good().eventId() + " refused: "
                                + outcomes.get(i).reason()));
            }
        }
        processed.unmark(CONSUMER, refused.stream().map(r -> r.good().eventId()).toList());
        return refused;
    }

    private void deadLetter(Good good, String reason, Throwable cause) {
        ConsumerRecord<String, String> record = good.record();
        deadLetters.sendMessageAndAwait(DeadLetters.of(record, new PoisonRecordException(reason, cause)));
        Log.warnf(
                "registration at %s-%d@%d dead-lettered: %s",
                record.topic(), record.partition(), record.offset(), LogSafe.of(reason, 1000));
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    private Good read(ConsumerRecord<String, String> record) {
        return read(record, true);
    }

    /**
     * Reads a record: its headers are checked whatever it holds; a value its node's entry knows
     * ({@code mayBeKnown}) is left unparsed, any other is parsed and validated.
     */
    private Good read(ConsumerRecord<String, String> record, boolean mayBeKnown) {
        IncomingEvent event = IncomingEvent.from(record);
        if (event.type() != null && !EventTypes.REGISTRATION_SUBMITTED.equals(event.type())) {
            event.requireType(Set.of(EventTypes.REGISTRATION_SUBMITTED));
        }
        long[] payloadHash = payloadHash(event);
        if (mayBeKnown && knownFacts.samePayload(record.key(), payloadHash)) {
            return new Good(record, event.id(), null, record.key(), payloadHash);
        }
        Validated validated = validator.validate(parse(event));
        if (!validated.valid()) {
            throw new PoisonRecordException("invalid registration " + event.id() + ": " + describe(validated.errors()));
        }
        Registration registration = validated.registration();
        return new Good(
                record, event.id(), registration, registration.deviceId().trim(), payloadHash);
    }

    private JsonNode parse(IncomingEvent event) {
        if (event.payload() == null || event.payload().isBlank()) {
            throw new PoisonRecordException("registration " + event.id() + " has an empty value");
        }
        try {
            return mapper.readTree(event.payload());
        } catch (JsonProcessingException e) {
            throw new PoisonRecordException(
                    "registration " + event.id() + " is not JSON: " + e.getOriginalMessage(), e);
        }
    }

    static String describe(List<FieldError> errors) {
        return errors.stream().map(e -> e.field() + " " + e.message()).collect(Collectors.joining("; "));
    }
}
