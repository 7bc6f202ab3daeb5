package dev.arcfleet.planner.messaging;

import dev.arcfleet.contracts.Channels;
import dev.arcfleet.contracts.EventTypes;
import dev.arcfleet.contracts.StatusEvent;
import dev.arcfleet.planner.service.PlanningService;
import dev.arcfleet.support.db.DatabaseFailures;
import dev.arcfleet.support.inbox.IncomingEvent;
import dev.arcfleet.support.inbox.JsonReader;
import dev.arcfleet.support.inbox.PoisonRecordException;
import dev.arcfleet.support.inbox.ProcessedEvents;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import java.util.Set;

/** The planner listens to executor progress to start IoT Operations plans after their cluster's Arc plan. */
@ApplicationScoped
public class StatusConsumer {
    private static final Set<String> TYPES = Set.of(EventTypes.STATUS);

    private final PlanningService planning;
    private final ProcessedEvents processed;
    private final JsonReader json;

    public StatusConsumer(PlanningService planning, ProcessedEvents processed, JsonReader json) {
        this.planning = planning;
        this.processed = processed;
        this.json = json;
    }

    @Incoming(Channels.STATUS_IN)
    @Blocking
    public void consume(ConsumerRecord<String, String> record) {
        IncomingEvent event = IncomingEvent.from(record);
        event.requireType(TYPES);
        StatusEvent status = json.read(event, StatusEvent.class);
        if (status.type() == null) {
            throw new PoisonRecordException("status event " + event.id() + " has no type");
        }
        if (status.planId() != null && status.nodeId() == null) {
            // a database that is away is waited for, never taken for poison (which the DLQ strategy would skip)
            DatabaseFailures.retryWhileUnavailable("status event " + event.id(), () -> {
                if (processed.markFirstTime("status", event.id())) {
                    planning.onStatus(status);
                }
            });
        }
    }
}
