package dev.arcfleet.inventory.messaging;

import dev.arcfleet.contracts.Channels;
import dev.arcfleet.contracts.EventTypes;
import dev.arcfleet.contracts.StatusEvent;
import dev.arcfleet.inventory.service.StatusProjection;
import dev.arcfleet.support.db.DatabaseFailures;
import dev.arcfleet.support.inbox.IncomingEvent;
import dev.arcfleet.support.inbox.JsonReader;
import dev.arcfleet.support.inbox.PoisonRecordException;
import dev.arcfleet.support.inbox.ProcessedEvents;
import dev.arcfleet.support.log.Correlation;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import java.util.Set;

@ApplicationScoped
public class StatusConsumer {
    private static final Set<String> TYPES = Set.of(EventTypes.STATUS);

    private final StatusProjection projection;
    private final ProcessedEvents processed;
    private final JsonReader json;

    public StatusConsumer(StatusProjection projection, ProcessedEvents processed, JsonReader json) {
        this.projection = projection;
        this.processed = processed;
        this.json = json;
    }

    /**
     * Poison goes to {@code onboarding.status.dlq}; a database that is away is waited for (the event is applied once it
     * answers), never taken for poison.
     */
    @Incoming(Channels.STATUS_IN)
    @Blocking
    public void consume(ConsumerRecord<String, String> record) {
        IncomingEvent event = IncomingEvent.from(record);
        event.requireType(TYPES);
        StatusEvent status = json.read(event, StatusEvent.class);
        if (status.type() == null) {
            throw new PoisonRecordException("status event " + event.id() + " has no type");
        }
        DatabaseFailures.retryWhileUnavailable("status event " + event.id(), () -> apply(event, status));
    }

    private void apply(IncomingEvent event, StatusEvent status) {
        if (processed.markFirstTime("status", event.id())) {
            try (Correlation.Scope ignored = Correlation.open(
                    event.correlationId() != null ? event.correlationId() : status.correlationId())) {
                projection.apply(status);
            } catch (IllegalArgumentException e) {
                throw new PoisonRecordException(e.getMessage(), e);
            }
        }
    }
}
