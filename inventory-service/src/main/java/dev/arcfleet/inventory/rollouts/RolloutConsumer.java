package dev.arcfleet.inventory.rollouts;

import dev.arcfleet.contracts.Channels;
import dev.arcfleet.contracts.EventTypes;
import dev.arcfleet.contracts.RolloutState;
import dev.arcfleet.support.db.DatabaseFailures;
import dev.arcfleet.support.inbox.DeadLetters;
import dev.arcfleet.support.inbox.IncomingEvent;
import dev.arcfleet.support.inbox.JsonReader;
import dev.arcfleet.support.inbox.PoisonRecordException;
import io.quarkus.narayana.jta.QuarkusTransaction;
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
 * {@code onboarding.rollouts} in batches, in partition order: poison goes to {@code onboarding.rollouts.dlq} with the
 * reason in headers, the rest is applied in one transaction ({@link RolloutProjection#apply}: the newest state of each
 * rollout is kept, so a redelivered batch changes nothing), then the batch is committed. A database that is away is
 * waited for, never taken for poison.
 */
@ApplicationScoped
public class RolloutConsumer {
    static final String DLQ_CHANNEL = "rollouts-dlq";
    private static final Set<String> TYPES = Set.of(EventTypes.ROLLOUT_STATE);

    private final RolloutProjection projection;
    private final JsonReader json;
    private final MutinyEmitter<String> deadLetters;

    public RolloutConsumer(
            RolloutProjection projection, JsonReader json, @Channel(DLQ_CHANNEL) MutinyEmitter<String> deadLetters) {
        this.projection = projection;
        this.json = json;
        this.deadLetters = deadLetters;
    }

    @Incoming(Channels.ROLLOUTS_IN)
    @Blocking
    public void consume(ConsumerRecords<String, String> batch) {
        List<RolloutState> usable = DeadLetters.readBatch(batch, this::read, deadLetters, "rollout state");
        if (!usable.isEmpty()) {
            DatabaseFailures.retryWhileUnavailable(
                    usable.size() + " rollout states",
                    () -> QuarkusTransaction.requiringNew().run(() -> usable.forEach(projection::apply)));
        }
    }

    private RolloutState read(ConsumerRecord<String, String> record) {
        IncomingEvent event = IncomingEvent.from(record);
        event.requireType(TYPES);
        RolloutState state = json.read(event, RolloutState.class);
        try {
            RolloutProjection.check(state);
        } catch (IllegalArgumentException e) {
            throw new PoisonRecordException(e.getMessage(), e);
        }
        return state;
    }
}
