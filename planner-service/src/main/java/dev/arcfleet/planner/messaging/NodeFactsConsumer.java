package dev.arcfleet.planner.messaging;

import dev.arcfleet.contracts.Channels;
import dev.arcfleet.contracts.EventTypes;
import dev.arcfleet.contracts.NodeFacts;
import dev.arcfleet.contracts.NodeRetired;
import dev.arcfleet.planner.config.PolicyProvider;
import dev.arcfleet.planner.service.PlanningService;
import dev.arcfleet.support.inbox.IncomingEvent;
import dev.arcfleet.support.inbox.JsonReader;
import dev.arcfleet.support.inbox.PoisonRecordException;
import dev.arcfleet.support.inbox.ProcessedEvents;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

@ApplicationScoped
public class NodeFactsConsumer {
    private final PlanningService planning;
    private final PolicyProvider policies;
    private final ProcessedEvents processed;
    private final JsonReader json;

    public NodeFactsConsumer(PlanningService planning, PolicyProvider policies, ProcessedEvents processed, JsonReader json) {
        this.planning = planning;
        this.policies = policies;
        this.processed = processed;
        this.json = json;
    }

    @Incoming(Channels.NODES_IN)
    @Blocking
    @Transactional
    public void consume(ConsumerRecord<String, String> record) {
        IncomingEvent event = IncomingEvent.from(record);
        String type = event.requireType(EventTypes.NODE_STREAM);
        if (EventTypes.NODE_FACTS.equals(type)) {
            NodeFacts facts = json.read(event, NodeFacts.class);
            if (facts.nodeId() == null || facts.factsHash() == null || facts.os() == null || facts.deviceClass() == null) {
                throw new PoisonRecordException("node facts " + event.id() + " lack nodeId, factsHash, os or deviceClass");
            }
            // Keyed by policy version: a replay under the same policy skips every event it has seen, a replay after a
            // policy change decides every node again.
            if (processed.markFirstTime("nodes@" + policies.current().version(), event.id())) {
                planning.onFacts(facts, event.correlationId() != null ? event.correlationId() : facts.correlationId());
            }
        } else {
            NodeRetired retired = json.read(event, NodeRetired.class);
            if (retired.nodeId() == null) {
                throw new PoisonRecordException("node retirement " + event.id() + " lacks nodeId");
            }
            if (processed.markFirstTime("nodes", event.id())) {
                planning.onRetired(retired);
            }
        }
    }
}
