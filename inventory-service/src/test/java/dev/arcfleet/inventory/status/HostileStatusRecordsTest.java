package dev.arcfleet.inventory.status;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arcfleet.contracts.CapabilitySet;
import dev.arcfleet.contracts.Decision;
import dev.arcfleet.contracts.Route;
import dev.arcfleet.contracts.StatusEvent;
import dev.arcfleet.contracts.StatusType;
import dev.arcfleet.contracts.Target;
import dev.arcfleet.contracts.TargetKind;
import dev.arcfleet.contracts.Topics;
import dev.arcfleet.inventory.InventoryKafkaTest;
import dev.arcfleet.testsupport.FleetInfraResource;
import dev.arcfleet.testsupport.StatusRecords;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * Status events on {@code onboarding.status} that anyone able to write the topic could forge (issue 19): values longer
 * than the columns they land in, a NUL in a detail, a decision without a route. Each goes to
 * {@code onboarding.status.dlq} alone with its reason; the good events of the same batch are applied and the channel
 * keeps consuming.
 */
@QuarkusTest
@QuarkusTestResource(
        value = FleetInfraResource.class,
        initArgs = @ResourceArg(name = "database", value = "inventory_hostile"))
class HostileStatusRecordsTest extends InventoryKafkaTest {
    @Test
    void forgedAndOversizeStatusEventsAreDeadLetteredAloneAndTheRestApplied() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> nodes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String node = "status-" + run + "-" + i;
            nodes.add(node);
            given().contentType("application/json")
                    .body("{\"deviceId\": \"" + node + "\", \"osImage\": \"Talos (v1.8.2)\"}")
                    .post("/api/v1/registrations")
                    .then()
                    .statusCode(200);
        }
        ConsumerTask<String, String> dlq = kafka.consumeStrings().fromTopics(Topics.deadLetter(Topics.STATUS));
        String plan = UUID.randomUUID().toString();

        // key: the record's key (the target id), so each dead letter can be found; value: what its reason must name
        Map<String, String> bad = new LinkedHashMap<>();
        List<ProducerRecord<String, String>> records = new ArrayList<>();
        records.add(planned(nodes.get(0), "good-0-" + run));
        bad.put("long-event-id-" + run, "eventId");
        records.add(
                record(withEventId(executor(StatusType.STARTED, plan, 1, "long-event-id-" + run), "e".repeat(100))));
        records.add(record(executor(StatusType.STARTED, plan, 1, "good-1-" + run)));
        bad.put("long-plan-id-" + run, "planId");
        records.add(record(executor(StatusType.STARTED, "p".repeat(65), 1, "long-plan-id-" + run)));
        bad.put("long-step-" + run, "step");
        records.add(
                record(with(executor(StatusType.STEP_SUCCEEDED, plan, 2, "long-step-" + run), "s".repeat(101), null)));
        records.add(planned(nodes.get(1), "good-2-" + run));
        bad.put("nul-detail-" + run, "detail");
        records.add(record(with(executor(StatusType.RETRYING, plan, 3, "nul-detail-" + run), "connect", "boom\u0000")));
        bad.put("forged-actor-" + run, "actor");
        StatusEvent approved = executor(StatusType.APPROVED, plan, 0, "forged-actor-" + run);
        records.add(record(new StatusEvent(
                approved.eventId(),
                approved.correlationId(),
                approved.occurredAt(),
                approved.type(),
                null,
                plan,
                approved.route(),
                approved.target(),
                null,
                null,
                0,
                "approved",
                null,
                "alice\nrule:root")));
        bad.put("no-route-" + run, "route");
        records.add(noRoute(nodes.get(2), "no-route-" + run));
        bad.put("long-target-" + run, "target");
        records.add(planned(nodes.get(2), "long-target-" + run, "t".repeat(301)));
        records.add(planned(nodes.get(2), "good-3-" + run));

        kafka.produceStrings().fromRecords(records).awaitCompletion();

        await().atMost(Duration.ofSeconds(45)).untilAsserted(() -> {
            for (String node : nodes) {
                given().get("/api/v1/nodes/" + node)
                        .then()
                        .statusCode(200)
                        .body("onboarding.route", equalTo("ARC_K8S"));
            }
            bad.forEach((key, reason) -> assertThat(dlq.getRecords())
                    .as("dead letter of " + key)
                    .filteredOn(r -> key.equals(r.key()))
                    .singleElement()
                    .satisfies(r -> assertThat(header(r, "dead-letter-reason")).contains(reason)));
        });
        assertThat(dlq.getRecords())
                .as("good events are never dead-lettered")
                .noneMatch(r -> r.key() != null
                        && r.key().startsWith("good-")
                        && r.key().endsWith(run));
        given().get("/q/health/ready").then().statusCode(200);

        // still consuming: a later event is applied
        kafka.produceStrings()
                .fromRecords(record(executor(StatusType.SUCCEEDED, plan, 9, "good-4-" + run)))
                .awaitCompletion();
        String planned = "status-" + run + "-late";
        given().contentType("application/json")
                .body("{\"deviceId\": \"" + planned + "\", \"osImage\": \"Talos (v1.8.2)\"}")
                .post("/api/v1/registrations")
                .then()
                .statusCode(200);
        kafka.produceStrings().fromRecords(planned(planned, "good-5-" + run)).awaitCompletion();
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> given().get("/api/v1/nodes/" + planned)
                        .then()
                        .statusCode(200)
                        .body("onboarding.route", equalTo("ARC_K8S")));
        dlq.close();
    }

    private static StatusEvent executor(StatusType type, String planId, long sequence, String targetId) {
        return new StatusEvent(
                UUID.randomUUID().toString(),
                "corr",
                Instant.now(),
                type,
                null,
                planId,
                Route.ARC_K8S,
                new Target(TargetKind.CLUSTER, targetId),
                null,
                1,
                sequence,
                type.name(),
                null);
    }

    private static StatusEvent withEventId(StatusEvent e, String eventId) {
        return new StatusEvent(
                eventId,
                e.correlationId(),
                e.occurredAt(),
                e.type(),
                e.nodeId(),
                e.planId(),
                e.route(),
                e.target(),
                e.step(),
                e.attempt(),
                e.sequence(),
                e.detail(),
                e.decision());
    }

    private static StatusEvent with(StatusEvent e, String step, String detail) {
        return new StatusEvent(
                e.eventId(),
                e.correlationId(),
                e.occurredAt(),
                e.type(),
                e.nodeId(),
                e.planId(),
                e.route(),
                e.target(),
                step,
                e.attempt(),
                e.sequence(),
                detail == null ? e.detail() : detail,
                e.decision());
    }

    private static ProducerRecord<String, String> planned(String node, String key) throws Exception {
        return planned(node, key, node);
    }

    /** A PLANNED event for the node, its record keyed {@code key}; the decision's target id is {@code targetId}. */
    private static ProducerRecord<String, String> planned(String node, String key, String targetId) throws Exception {
        String planId = UUID.randomUUID().toString();
        Target target = new Target(TargetKind.NODE, targetId);
        Decision decision = new Decision(
                node,
                Route.ARC_K8S,
                target,
                false,
                List.of(),
                List.of("test"),
                new CapabilitySet(List.of(), List.of()),
                List.of(),
                planId,
                List.of(),
                "p1",
                "h1",
                Instant.now());
        StatusEvent event = new StatusEvent(
                UUID.randomUUID().toString(),
                "corr",
                Instant.now(),
                StatusType.PLANNED,
                node,
                planId,
                Route.ARC_K8S,
                target,
                null,
                null,
                0,
                "PLANNED",
                decision);
        return rekey(StatusRecords.of(event, JSON.writeValueAsString(event)), key);
    }

    /** A PLANNED event whose decision has no route: the projection once failed the whole batch on it. */
    private static ProducerRecord<String, String> noRoute(String node, String key) throws Exception {
        ProducerRecord<String, String> planned = planned(node, key);
        ObjectNode value = (ObjectNode) JSON.readTree(planned.value());
        ((ObjectNode) value.get("decision")).remove("route");
        return new ProducerRecord<>(Topics.STATUS, null, key, value.toString(), planned.headers());
    }

    private static ProducerRecord<String, String> record(StatusEvent event) throws Exception {
        return StatusRecords.of(event, JSON.writeValueAsString(event));
    }

    private static ProducerRecord<String, String> rekey(ProducerRecord<String, String> r, String key) {
        return new ProducerRecord<>(r.topic(), null, key, r.value(), r.headers());
    }
}
