package dev.arcfleet.planner.plan;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arcfleet.contracts.EventTypes;
import dev.arcfleet.contracts.NodeFacts;
import dev.arcfleet.contracts.NodeRetired;
import dev.arcfleet.contracts.Route;
import dev.arcfleet.contracts.StatusEvent;
import dev.arcfleet.contracts.StatusType;
import dev.arcfleet.contracts.Target;
import dev.arcfleet.contracts.TargetKind;
import dev.arcfleet.contracts.Topics;
import dev.arcfleet.testsupport.FleetInfraResource;
import dev.arcfleet.testsupport.NodeRecords;
import dev.arcfleet.testsupport.ServiceKafkaTest;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * Retirements on {@code fleet.nodes} against the real broker and database: the cluster's Arc plan is offboarded with
 * its last node only, once, after its IoT Operations plan reported OFFBOARDED (the test plays the executor), and a node
 * registered again is onboarded under a new revision. Records of one cluster are
 * ordered (one key), so a plan seen after a retirement proves the retirements before it were handled.
 */
@QuarkusTest
@QuarkusTestResource(
        value = FleetInfraResource.class,
        initArgs = @ResourceArg(name = "database", value = "planner_test"))
class OffboardingFlowTest extends ServiceKafkaTest {

    @Test
    void theLastNodeRetiredOffboardsTheClusterOnceAndARegistrationOnboardsItAgain() {
        String cluster = "retire-" + UUID.randomUUID().toString().substring(0, 8);
        ConsumerTask<String, String> plans = kafka.consumeStrings().fromTopics(Topics.PLANS_ARC_K8S);
        NodeFacts n1 = PlanningFlowTest.talosInCluster(cluster + "/cp-1", cluster, List.of(), "o1");
        NodeFacts n2 = PlanningFlowTest.talosInCluster(cluster + "/worker-1", cluster, List.of(), "o2");
        sendFacts(n1);
        sendFacts(n2);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(plansFor(plans, cluster)).hasSize(1));
        JsonNode onboarding = plansFor(plans, cluster).get(0);

        // one of two nodes retired: nothing; the last one: the cluster's offboarding, same plan id, on the same topic
        sendRetired(n2, cluster);
        sendRetired(n1, cluster);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(plansFor(plans, cluster)).hasSize(2));
        JsonNode offboarding = plansFor(plans, cluster).get(1);
        assertThat(offboarding.get("action").asText()).isEqualTo("OFFBOARD");
        assertThat(offboarding.get("planId").asText())
                .isEqualTo(onboarding.get("planId").asText());
        assertThat(offboarding.get("revision").asText())
                .isEqualTo(onboarding.get("revision").asText() + "-offboard");

        // a replayed retirement publishes nothing; the node registered again is onboarded from scratch
        sendRetired(n1, cluster);
        sendFacts(PlanningFlowTest.talosInCluster(n1.nodeId(), cluster, List.of(), "o1"));
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(plansFor(plans, cluster)).hasSize(3));
        JsonNode again = plansFor(plans, cluster).get(2);
        assertThat(again.get("action").isNull()
                        || "ONBOARD".equals(again.get("action").asText()))
                .isTrue();
        assertThat(again.get("revision").asText())
                .isEqualTo(onboarding.get("revision").asText() + "-g1");
        assertThat(again.get("nodeIds").toString()).contains(n1.nodeId());
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(4))
                .untilAsserted(() -> assertThat(plansFor(plans, cluster)).hasSize(3));
        plans.close();
    }

    @Test
    void factsOrARetirementSeenAgainDoNotUndoWhatCameAfterThem() {
        // no processed marks: a resend (the outbox's, after a crash) or a replay is told by the node's stored facts
        String cluster = "again-" + UUID.randomUUID().toString().substring(0, 8);
        ConsumerTask<String, String> plans = kafka.consumeStrings().fromTopics(Topics.PLANS_ARC_K8S);
        ConsumerTask<String, String> status = kafka.consumeStrings().fromTopics(Topics.STATUS);
        NodeFacts first = PlanningFlowTest.talosInCluster(cluster + "/n-1", cluster, List.of(), "a1")
                .withObservedAt(Instant.parse("2026-12-06T03:00:00.000001Z"));
        sendFacts(first);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(plansFor(plans, cluster)).hasSize(1));
        sendRetired(first, cluster);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(plansFor(plans, cluster)).hasSize(2));
        assertThat(decision(first.nodeId()).retired).isTrue();

        // the retired facts again, as a new event: the node stays retired
        sendFacts(first.asEvent(UUID.randomUUID().toString(), Instant.now()));
        handledUpTo(cluster, "marker-1", status);
        assertThat(decision(first.nodeId()).retired).isTrue();

        // registered again (facts observed later), then the old retirement again, and one written before
        // factsObservedAt (it occurred before the new facts were observed): the node stays active on its new facts
        NodeFacts again = PlanningFlowTest.talosInCluster(first.nodeId(), cluster, List.of(), "a2")
                .withObservedAt(Instant.parse("2026-12-06T03:00:05Z"));
        sendFacts(again);
        sendRetired(first, cluster);
        send(cluster, retirement(first.nodeId(), cluster, Instant.parse("2026-12-06T03:00:01Z"), null));
        handledUpTo(cluster, "marker-2", status);
        NodeDecisionEntity stored = decision(first.nodeId());
        assertThat(stored.retired).isFalse();
        assertThat(stored.factsHash).isEqualTo("a2");

        // the first facts again: older than those decided on, nothing; a retirement of the new facts retires
        sendFacts(first.asEvent(UUID.randomUUID().toString(), Instant.now()));
        handledUpTo(cluster, "marker-3", status);
        assertThat(decision(first.nodeId()).factsHash).isEqualTo("a2");
        sendRetired(again, cluster);
        handledUpTo(cluster, "marker-4", status);
        assertThat(decision(first.nodeId()).retired).isTrue();
        plans.close();
        status.close();
    }

    @Test
    void theArcOffboardingIsReleasedOnlyOnceIotOperationsReportsOffboarded() {
        String cluster = "retire-iot-" + UUID.randomUUID().toString().substring(0, 8);
        ConsumerTask<String, String> arcPlans = kafka.consumeStrings().fromTopics(Topics.PLANS_ARC_K8S);
        ConsumerTask<String, String> iotPlans = kafka.consumeStrings().fromTopics(Topics.PLANS_IOT_OPERATIONS);
        ConsumerTask<String, String> status = kafka.consumeStrings().fromTopics(Topics.STATUS);
        NodeFacts gateway = PlanningFlowTest.flatcarGateway(cluster + "/gw-1", cluster, "g1");
        sendFacts(gateway);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(plansFor(arcPlans, cluster)).hasSize(1));
        String arcPlanId = plansFor(arcPlans, cluster).get(0).get("planId").asText();
        String arcOnboarded = plansFor(arcPlans, cluster).get(0).get("revision").asText();
        // the executor's part: Arc succeeded, so IoT Operations is released
        sendStatus(StatusType.SUCCEEDED, arcPlanId, Route.ARC_K8S, cluster, 7, "all steps succeeded");
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(plansFor(iotPlans, cluster)).hasSize(1));
        String iotPlanId = plansFor(iotPlans, cluster).get(0).get("planId").asText();

        // the last node retired: IoT Operations is offboarded, Arc is held
        sendRetired(gateway, cluster);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(plansFor(iotPlans, cluster)).hasSize(2));
        assertThat(plansFor(iotPlans, cluster).get(1).get("action").asText()).isEqualTo("OFFBOARD");
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(4))
                .untilAsserted(() -> assertThat(plansFor(arcPlans, cluster)).hasSize(1));
        // the plans API shows each plan's action; Arc's offboarding waits for IoT Operations
        given().get("/api/v1/plans/" + arcPlanId)
                .then()
                .statusCode(200)
                .body("action", equalTo("OFFBOARD"))
                .body("state", equalTo("WAITING"))
                .body("dependsOn", equalTo(iotPlanId));
        given().get("/api/v1/plans/" + iotPlanId)
                .then()
                .statusCode(200)
                .body("action", equalTo("OFFBOARD"))
                .body("state", equalTo("PUBLISHED"));
        assertThat(given().queryParam("action", "OFFBOARD")
                        .get("/api/v1/plans")
                        .jsonPath()
                        .getList("plans.planId", String.class))
                .contains(arcPlanId, iotPlanId);
        assertThat(given().queryParam("action", "OFFBOARD")
                        .queryParam("route", "ARC_K8S")
                        .get("/api/v1/plans")
                        .jsonPath()
                        .getList("plans.action", String.class))
                .isNotEmpty()
                .containsOnly("OFFBOARD");
        assertThat(given().queryParam("action", "ONBOARD")
                        .get("/api/v1/plans")
                        .jsonPath()
                        .getList("plans.planId", String.class))
                .doesNotContain(arcPlanId, iotPlanId);
        given().queryParam("action", "DELETE").get("/api/v1/plans").then().statusCode(400);

        // IoT Operations' offboarding failed: Arc stays held, and says why
        sendStatus(StatusType.OFFBOARDING, iotPlanId, Route.IOT_OPERATIONS, cluster, 8, "started");
        sendStatus(StatusType.OFFBOARD_FAILED, iotPlanId, Route.IOT_OPERATIONS, cluster, 9, "instance delete refused");
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(statusFor(status, cluster)).anySatisfy(e -> {
                    assertThat(e.get("planId").asText()).isEqualTo(arcPlanId);
                    assertThat(e.get("type").asText()).isEqualTo("OFFBOARD_FAILED");
                    assertThat(e.get("detail").asText()).contains("held", iotPlanId, "instance delete refused");
                }));
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(4))
                .untilAsserted(() -> assertThat(plansFor(arcPlans, cluster)).hasSize(1));

        // a retry of it succeeded: Arc's offboarding goes out, once
        sendStatus(StatusType.OFFBOARDED, iotPlanId, Route.IOT_OPERATIONS, cluster, 12, "all steps removed");
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(plansFor(arcPlans, cluster)).hasSize(2));
        JsonNode offboarding = plansFor(arcPlans, cluster).get(1);
        assertThat(offboarding.get("action").asText()).isEqualTo("OFFBOARD");
        assertThat(offboarding.get("revision").asText()).isEqualTo(arcOnboarded + "-offboard");
        sendStatus(StatusType.OFFBOARDED, iotPlanId, Route.IOT_OPERATIONS, cluster, 13, "replayed");
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(4))
                .untilAsserted(() -> assertThat(plansFor(arcPlans, cluster)).hasSize(2));
        arcPlans.close();
        iotPlans.close();
        status.close();
    }

    private List<JsonNode> statusFor(ConsumerTask<String, String> task, String cluster) {
        return plansFor(task, cluster);
    }

    private void sendStatus(StatusType type, String planId, Route route, String cluster, long sequence, String detail) {
        StatusEvent event = new StatusEvent(
                UUID.randomUUID().toString(),
                "corr-" + cluster,
                Instant.now(),
                type,
                null,
                planId,
                route,
                new Target(TargetKind.CLUSTER, cluster),
                null,
                null,
                sequence,
                detail,
                null);
        try {
            ProducerRecord<String, String> record =
                    new ProducerRecord<>(Topics.STATUS, cluster, JSON.writeValueAsString(event));
            record.headers().add(EventTypes.CE_ID, event.eventId().getBytes(StandardCharsets.UTF_8));
            record.headers().add(EventTypes.CE_TYPE, EventTypes.STATUS.getBytes(StandardCharsets.UTF_8));
            kafka.produceStrings().fromRecords(record).awaitCompletion();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private List<JsonNode> plansFor(ConsumerTask<String, String> task, String cluster) {
        return valuesKeyed(task, cluster);
    }

    private void sendFacts(NodeFacts facts) {
        send(facts.clusterId(), facts.eventId(), EventTypes.NODE_FACTS, facts);
    }

    /** The retirement of {@code facts}, the node's latest, as the inventory publishes it. */
    private void sendRetired(NodeFacts facts, String cluster) {
        send(cluster, retirement(facts.nodeId(), cluster, Instant.now(), facts.observedAt()));
    }

    private void send(String cluster, NodeRetired retired) {
        send(cluster, retired.eventId(), EventTypes.NODE_RETIRED, retired);
    }

    private static NodeRetired retirement(String nodeId, String cluster, Instant at, Instant factsObservedAt) {
        return new NodeRetired(
                UUID.randomUUID().toString(), "corr-" + nodeId, at, nodeId, cluster, "deleted", factsObservedAt);
    }

    /** Sends a new node's facts on the cluster's key and waits for its decision: what came before it was handled. */
    private void handledUpTo(String cluster, String marker, ConsumerTask<String, String> status) {
        sendFacts(PlanningFlowTest.talosInCluster(cluster + "/" + marker, cluster, List.of(), marker));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> status.getRecords().stream().anyMatch(r -> (cluster + "/" + marker).equals(r.key())));
    }

    private static NodeDecisionEntity decision(String nodeId) {
        return QuarkusTransaction.requiringNew().call(() -> NodeDecisionEntity.findById(nodeId));
    }

    private void send(String key, String eventId, String type, Object event) {
        try {
            kafka.produceStrings()
                    .fromRecords(NodeRecords.of(key, eventId, type, JSON.writeValueAsString(event)))
                    .awaitCompletion();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
