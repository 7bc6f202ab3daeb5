package dev.arcfleet.inventory.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arcfleet.contracts.Channels;
import dev.arcfleet.contracts.EventTypes;
import dev.arcfleet.contracts.FactsSource;
import dev.arcfleet.contracts.FieldError;
import dev.arcfleet.contracts.Registration;
import dev.arcfleet.facts.normalize.RegistrationValidator;
import dev.arcfleet.facts.normalize.Validated;
import dev.arcfleet.inventory.metrics.RegistrationMetrics;
import dev.arcfleet.inventory.service.RegistrationService;
import dev.arcfleet.support.db.DatabaseFailures;
import dev.arcfleet.support.inbox.DeadLetters;
import dev.arcfleet.support.inbox.IncomingEvent;
import dev.arcfleet.support.inbox.PoisonRecordException;
import dev.arcfleet.support.inbox.ProcessedEvents;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * Registrations produced straight to {@code fleet.registrations} by devices and importers, consumed in batches (up to
 * {@code max.poll.records}): every record is validated like a REST one; a bad record goes to
 * {@code fleet.registrations.dlq} (original key, value and headers, every bad field in {@code dead-letter-reason})
 * before the batch is committed; the good ones are registered in one transaction. Offsets are committed only after
 * both, so a crash replays the batch (duplicates are skipped by event id). A database failure is not the records'
 * fault: while the database is unavailable (restarting, failing over) storing is retried with backoff up to 8 s for as
 * long as it takes; any other failure is retried about 15 s, then fails the channel (readiness goes down). Good
 * registrations are never dead-lettered.
 */
@ApplicationScoped
public class RegistrationConsumer {
    static final String DLQ_CHANNEL = "registrations-dlq";
    /** A failure other than an unavailable database: retried with backoff (0.5 s, 1 s, 2 s, 4 s, 8 s), then the channel fails. */
    static final int STORE_ATTEMPTS = 6;

    private final RegistrationValidator validator;
    private final RegistrationService registrations;
    private final ProcessedEvents processed;
    private final ObjectMapper mapper;
    private final MutinyEmitter<String> deadLetters;
    private final RegistrationMetrics metrics;

    public RegistrationConsumer(RegistrationValidator validator, RegistrationService registrations, ProcessedEvents processed,
            ObjectMapper mapper, @Channel(DLQ_CHANNEL) MutinyEmitter<String> deadLetters, RegistrationMetrics metrics) {
        this.metrics = metrics;
        this.validator = validator;
        this.registrations = registrations;
        this.processed = processed;
        this.mapper = mapper;
        this.deadLetters = deadLetters;
    }

    private record Good(String eventId, Registration registration) {
    }

    @Incoming(Channels.REGISTRATIONS_IN)
    @Blocking
    public void consume(ConsumerRecords<String, String> batch) {
        List<Good> good = DeadLetters.readBatch(batch, this::read, deadLetters, "registration");
        if (good.size() < batch.count()) {
            metrics.count(FactsSource.REGISTRATION.name(), "REJECTED", batch.count() - good.size());
        }
        if (good.isEmpty()) {
            return;
        }
        for (int attempt = 1; ; attempt++) {
            try {
                QuarkusTransaction.requiringNew().run(() -> register(good));
                return;
            } catch (RuntimeException e) {
                // a database that is away is waited for however long it takes; other failures fail the channel
                if (attempt >= STORE_ATTEMPTS && !DatabaseFailures.unavailable(e)) {
                    throw e;
                }
                long backoffMs = 500L << Math.min(attempt - 1, 4);
                Log.warnf("storing %d registrations failed (attempt %d of %d), retrying in %d ms: %s", good.size(), attempt,
                        STORE_ATTEMPTS, backoffMs, e.getMessage());
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(backoffMs));
            }
        }
    }

    private void register(List<Good> good) {
        Set<String> firstTime = processed.markFirstTime("registrations", good.stream().map(Good::eventId).toList());
        List<Registration> fresh = new ArrayList<>(good.size());
        for (Good g : good) {
            if (firstTime.remove(g.eventId())) {
                fresh.add(g.registration());
            }
        }
        if (!fresh.isEmpty()) {
            registrations.register(fresh, FactsSource.REGISTRATION);
        }
    }

    private Good read(ConsumerRecord<String, String> record) {
        IncomingEvent event = IncomingEvent.from(record);
        if (event.type() != null && !EventTypes.REGISTRATION_SUBMITTED.equals(event.type())) {
            event.requireType(Set.of(EventTypes.REGISTRATION_SUBMITTED));
        }
        Validated validated = validator.validate(parse(event));
        if (!validated.valid()) {
            throw new PoisonRecordException("invalid registration " + event.id() + ": " + describe(validated.errors()));
        }
        return new Good(event.id(), validated.registration());
    }

    private JsonNode parse(IncomingEvent event) {
        if (event.payload() == null || event.payload().isBlank()) {
            throw new PoisonRecordException("registration " + event.id() + " has an empty value");
        }
        try {
            return mapper.readTree(event.payload());
        } catch (JsonProcessingException e) {
            throw new PoisonRecordException("registration " + event.id() + " is not JSON: " + e.getOriginalMessage(), e);
        }
    }

    static String describe(List<FieldError> errors) {
        return errors.stream().map(e -> e.field() + " " + e.message()).collect(Collectors.joining("; "));
    }
}
