package dev.arcfleet.planner.plan;

import dev.arcfleet.contracts.Channels;
import dev.arcfleet.contracts.EventTypes;
import dev.arcfleet.contracts.StatusEvent;
import dev.arcfleet.planner.rollout.RolloutService;
import dev.arcfleet.support.db.DatabaseFailures;
import dev.arcfleet.support.inbox.DeadLetters;
import dev.arcfleet.support.inbox.IncomingEvent;
import dev.arcfleet.support.inbox.JsonReader;
import dev.arcfleet.support.inbox.PoisonRecordException;
import dev.arcfleet.support.inbox.ProcessedEvents;
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
 * The planner listens to executor progress to start IoT Operations plans after their cluster's Arc plan (and offboard an
 * Arc plan after its IoT Operations plan), and to count
 * the outcomes of the plans a rollout released. It reads
 * {@code onboarding.status} in batches: most events there are the nodes' own decisions (a {@code nodeId}), which it
 * reads past after parsing the value up to that field, without binding the decision; the inventory applies those and
 * dead-letters the unusable ones. The plans' events of a batch are applied in one transaction; unusable ones are
 * dead-lettered with the reason.
 */
@ApplicationScoped
public class StatusConsumer {
    private static final Set<String> TYPES = Set.of(EventTypes.STATUS);

    private final PlanningService planning;
    private final RolloutService rollouts;
    private final ProcessedEvents processed;
    private final JsonReader json;
    private final MutinyEmitter<String> deadLetters;

    private record Usable(IncomingEvent event, StatusEvent status) {}

    public StatusConsumer(
            PlanningService planning,
            RolloutService rollouts,
            ProcessedEvents processed,
            JsonReader json,
            @Channel("status-dlq") MutinyEmitter<String> deadLetters) {
        this.planning = planning;
        this.rollouts = rollouts;
        this.processed = processed;
        this.json = json;
        this.deadLetters = deadLetters;
    }

    @Incoming(Channels.STATUS_IN)
    @Blocking
    public void consume(ConsumerRecords<String, String> batch) {
        List<Usable> plans = DeadLetters.readBatch(batch, this::read, deadLetters, "status event").stream()
                .filter(u -> u.status().planId() != null && u.status().nodeId() == null)
                .toList();
        if (plans.isEmpty()) {
            return;
        }
        // a database that is away is waited for, never taken for poison
        DatabaseFailures.retryWhileUnavailable(plans.size() + " plan status events", () -> {
            Set<String> firstTime = processed.markFirstTime(
                    "status", plans.stream().map(u -> u.event().id()).toList());
            for (Usable u : plans) {
                // an outcome of a revision the plan has left counts for neither the plan nor its rollout
                if (firstTime.remove(u.event().id()) && planning.onStatus(u.status())) {
                    rollouts.onStatus(u.status());
                }
            }
        });
    }

    private Usable read(ConsumerRecord<String, String> record) {
        IncomingEvent event = IncomingEvent.from(record);
        event.requireType(TYPES);
        if (json.peekText(event, "nodeId") != null) {
            return null;
        }
        StatusEvent status = json.read(event, StatusEvent.class);
        if (status.type() == null) {
            throw new PoisonRecordException("status event " + event.id() + " has no type");
        }
        return new Usable(event, status);
    }
}
