package dev.arcfleet.executor.intake;

import dev.arcfleet.contracts.Channels;
import dev.arcfleet.contracts.EventTypes;
import dev.arcfleet.contracts.OnboardingPlan;
import dev.arcfleet.contracts.Route;
import dev.arcfleet.support.db.DatabaseFailures;
import dev.arcfleet.support.inbox.IncomingEvent;
import dev.arcfleet.support.inbox.JsonReader;
import dev.arcfleet.support.inbox.PoisonRecordException;
import dev.arcfleet.support.inbox.ProcessedEvents;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Accepts plans from the three route topics and acknowledges them at once: the work happens in the worker pool. Each
 * route's channel can be disabled, so routes run together or one per deployment. A plan reaches the pool only after
 * {@link PlanValidator} found its headers bounded and every id and parameter of a safe shape; any other is dead-lettered.
 */
@ApplicationScoped
public class PlanConsumer {
    private static final Set<String> TYPES = Set.of(EventTypes.PLAN_CREATED);

    private final ExecutionService executions;
    private final ProcessedEvents processed;
    private final JsonReader json;

    public PlanConsumer(ExecutionService executions, ProcessedEvents processed, JsonReader json) {
        this.executions = executions;
        this.processed = processed;
        this.json = json;
    }

    @Incoming(Channels.PLANS_ARC_K8S_IN)
    @Blocking
    public void arcK8s(ConsumerRecord<String, String> record) {
        accept(record, Route.ARC_K8S);
    }

    @Incoming(Channels.PLANS_COMPANION_VM_IN)
    @Blocking
    public void companionVm(ConsumerRecord<String, String> record) {
        accept(record, Route.COMPANION_VM);
    }

    @Incoming(Channels.PLANS_IOT_OPERATIONS_IN)
    @Blocking
    public void iotOperations(ConsumerRecord<String, String> record) {
        accept(record, Route.IOT_OPERATIONS);
    }

    private void accept(ConsumerRecord<String, String> record, Route route) {
        PlanValidator.checkHeaders(record.headers(), record.topic());
        IncomingEvent event = IncomingEvent.from(record);
        event.requireType(TYPES);
        OnboardingPlan plan = json.read(event, OnboardingPlan.class);
        if (plan.planId() == null
                || plan.revision() == null
                || plan.target() == null
                || plan.target().id() == null
                || plan.target().kind() == null) {
            throw new PoisonRecordException(
                    "plan " + PlanValidator.shown(event.id()) + " lacks planId, revision or target");
        }
        if (plan.route() != route) {
            throw new PoisonRecordException("plan " + PlanValidator.shown(plan.planId()) + " for route " + plan.route()
                    + " arrived on the " + route + " topic " + event.topic());
        }
        // anyone who can write to the topic can forge a plan: it is checked as strictly as REST checks a device
        PlanValidator.check(plan, route, event.id(), event.topic());
        // a database that is away is waited for: the DLQ strategy would otherwise skip a good plan as poison
        DatabaseFailures.retryWhileUnavailable("plan " + plan.planId(), () -> {
            if (processed.markFirstTime("plans", event.id())) {
                executions.accept(plan, event.correlationId());
            }
        });
    }
}
