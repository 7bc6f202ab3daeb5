package dev.arcfleet.testsupport;

import dev.arcfleet.contracts.EventTypes;
import dev.arcfleet.contracts.OnboardingPlan;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;

/** A plan as the planner publishes it: keyed by target id, with its CloudEvents id, type and correlation headers. */
public final class PlanRecords {
    private PlanRecords() {}

    public static ProducerRecord<String, String> of(String topic, OnboardingPlan plan, String json) {
        ProducerRecord<String, String> record =
                new ProducerRecord<>(topic, plan.target().id(), json);
        record.headers().add(EventTypes.CE_ID, plan.eventId().getBytes(StandardCharsets.UTF_8));
        record.headers().add(EventTypes.CE_TYPE, EventTypes.PLAN_CREATED.getBytes(StandardCharsets.UTF_8));
        if (plan.correlationId() != null) {
            record.headers()
                    .add(EventTypes.CE_CORRELATION_ID, plan.correlationId().getBytes(StandardCharsets.UTF_8));
        }
        return record;
    }
}
