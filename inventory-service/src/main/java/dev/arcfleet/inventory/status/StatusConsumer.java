package dev.arcfleet.inventory.status;

import dev.arcfleet.contracts.Channels;
import dev.arcfleet.contracts.EventTypes;
import dev.arcfleet.contracts.StatusEvent;
import dev.arcfleet.support.db.DatabaseFailures;
import dev.arcfleet.support.inbox.DeadLetters;
import dev.arcfleet.support.inbox.IncomingEvent;
import dev.arcfleet.support.inbox.JsonReader;
import dev.arcfleet.support.inbox.PoisonRecordException;
import dev.arcfleet.support.log.LogSafe;
import io.quarkus.logging.Log;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * {@code onboarding.status} in batches (up to {@code max.poll.records}), in partition order: poison goes to
 * {@code onboarding.status.dlq} with the reason in headers, the rest is applied in one transaction (events seen before
 * are skipped: their timeline entries are already there), then the batch is committed. A database that is away is waited for (the batch is applied once it
 * answers), never taken for poison. Every event is checked before it is applied ({@link StatusProjection#check}: ids
 * in their columns' widths, no NUL, a decision with a route), since anyone able to write the topic can send anything; a
 * batch that still fails on its data ({@link DatabaseFailures#recordsOwnFault}) is applied event by event, and the one
 * that fails alone is dead-lettered with the failure as its reason while the rest is applied.
 */
@ApplicationScoped
public class StatusConsumer {
    static final String DLQ_CHANNEL = "status-dlq";
    private static final Set<String> TYPES = Set.of(EventTypes.STATUS);

    private final StatusProjection projection;
    private final JsonReader json;
    private final MutinyEmitter<String> deadLetters;

    private record Usable(ConsumerRecord<String, String> record, IncomingEvent event, StatusEvent status) {}

    public StatusConsumer(
            StatusProjection projection, JsonReader json, @Channel(DLQ_CHANNEL) MutinyEmitter<String> deadLetters) {
        this.projection = projection;
        this.json = json;
        this.deadLetters = deadLetters;
    }

    @Incoming(Channels.STATUS_IN)
    @Blocking
    public void consume(ConsumerRecords<String, String> batch) {
        List<Usable> usable = DeadLetters.readBatch(batch, this::read, deadLetters, "status event");
        if (!usable.isEmpty()) {
            store(usable);
        }
    }

    private void store(List<Usable> usable) {
        try {
            DatabaseFailures.retryWhileUnavailable(usable.size() + " status events", () -> apply(usable));
        } catch (RuntimeException e) {
            if (!DatabaseFailures.recordsOwnFault(e)) {
                throw e;
            }
            if (usable.size() == 1) {
                ConsumerRecord<String, String> record = usable.get(0).record();
                deadLetters.sendMessageAndAwait(DeadLetters.of(
                        record,
                        new PoisonRecordException(
                                "status event " + usable.get(0).event().id() + " could not be applied: "
                                        + rootMessage(e),
                                e)));
                Log.warnf(
                        "status event at %s-%d@%d dead-lettered: %s",
                        record.topic(), record.partition(), record.offset(), LogSafe.of(rootMessage(e), 1000));
                return;
            }
            Log.warnf(
                    "applying %d status events failed on their data (%s); applying them one by one to find the event "
                            + "at fault",
                    usable.size(), LogSafe.of(rootMessage(e)));
            usable.forEach(u -> store(List.of(u)));
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    private Usable read(ConsumerRecord<String, String> record) {
        IncomingEvent event = IncomingEvent.from(record);
        event.requireType(TYPES);
        StatusEvent status = json.read(event, StatusEvent.class);
        try {
            StatusProjection.check(status);
        } catch (IllegalArgumentException e) {
            throw new PoisonRecordException(e.getMessage(), e);
        }
        return new Usable(record, event, status);
    }

    private void apply(List<Usable> usable) {
        // events applied before are skipped by their timeline entries (StatusProjection#applyAll)
        projection.applyAll(usable.stream().map(Usable::status).toList());
    }
}
