package dev.arcfleet.planner.plan;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.arcfleet.contracts.Capability;
import dev.arcfleet.contracts.EventTypes;
import dev.arcfleet.contracts.NodeFacts;
import dev.arcfleet.contracts.Route;
import dev.arcfleet.contracts.StatusEvent;
import dev.arcfleet.contracts.StatusType;
import dev.arcfleet.contracts.Target;
import dev.arcfleet.contracts.TargetKind;
import dev.arcfleet.contracts.Topics;
import dev.arcfleet.planner.FlowPolicy;
import dev.arcfleet.planner.PlannerKafkaTest;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Approval on the real broker and database, under a policy that approves only site {@code lab-auto} automatically:
 * every other executable plan stays out of the plan topics until an operator approves it.
 */
@QuarkusTest
@TestProfile(FlowPolicy.class)
class ApprovalFlowTest extends PlannerKafkaTest {
    static final String AUTO_SITE = FlowPolicy.AUTO_SITE;

    ConsumerTask<String, String> plans;
    ConsumerTask<String, String> status;

    @BeforeEach
    void connect() {
        plans = kafka.consumeStrings()
                .fromTopics(Topics.PLANS_ARC_K8S, Topics.PLANS_COMPANION_VM, Topics.PLANS_IOT_OPERATIONS);
        status = kafka.consumeStrings().fromTopics(Topics.STATUS);
    }

    @AfterEach
    void close() {
        plans.close();
        status.close();
    }

    @Test
    void executablePlansWaitForApprovalAndASelectorReleasesExactlyTheMatchingOnes() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String ghent = "ghent-" + run;
        String lyon = "lyon-" + run;
        String c1 = "c1-" + run;
        String c2 = "c2-" + run;
        String c3 = "c3-" + run;
        NodeFacts c1Node = talos(c1 + "/cp-1", c1, ghent, List.of(), "a1");
        send(c1Node);
        send(talos(c1 + "/cp-2", c1, ghent, List.of(), "a2"));
        send(talos(c2 + "/cp-1", c2, lyon, List.of(), "b1"));
        send(talos(c3 + "/cp-1", c3, ghent, List.of(), "c1"));
        String p1 = PlanIds.planId(Route.ARC_K8S, new Target(TargetKind.CLUSTER, c1));
        String p2 = PlanIds.planId(Route.ARC_K8S, new Target(TargetKind.CLUSTER, c2));
        String p3 = PlanIds.planId(Route.ARC_K8S, new Target(TargetKind.CLUSTER, c3));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(planStatus(StatusType.AWAITING_APPROVAL, p1, p2, p3))
                    .extracting(StatusEvent::planId)
                    .containsExactlyInAnyOrder(p1, p2, p3);
            assertThat(given().queryParam("state", "AWAITING_APPROVAL")
                            .get("/api/v1/plans")
                            .jsonPath()
                            .getList("plans.planId", String.class))
                    .contains(p1, p2, p3);
        });
        assertThat(planStatus(StatusType.AWAITING_APPROVAL, p1))
                .singleElement()
                .satisfies(e -> assertThat(e.detail()).contains("no approval rule of the policy matches"));
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(4))
                .untilAsserted(() -> assertThat(published(c1, c2, c3)).isEmpty());
        assertThat(given().queryParam("state", "AWAITING_APPROVAL")
                        .queryParam("site", ghent)
                        .queryParam("route", "ARC_K8S")
                        .get("/api/v1/plans")
                        .jsonPath()
                        .getList("plans.planId", String.class))
                .containsExactlyInAnyOrder(p1, p3);

        // one selector: the ghent plans of cluster c1 only
        JsonPath approved = given().contentType(ContentType.JSON)
                .body("{\"site\": \"" + ghent + "\", \"clusterIds\": [\"" + c1 + "\", \"" + c2 + "\"]}")
                .post("/api/v1/plans/approve")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(approved.getInt("approved")).isEqualTo(1);
        assertThat(approved.getList("planIds", String.class)).containsExactly(p1);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(published(c1)).hasSize(1);
            assertThat(planStatus(StatusType.APPROVED, p1)).singleElement().satisfies(e -> {
                assertThat(e.actor()).isEqualTo("auth-disabled");
                assertThat(e.detail()).contains("approved by auth-disabled");
            });
        });
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(4))
                .untilAsserted(() -> assertThat(published(c2, c3)).isEmpty());

        // the approval is in the database, read again in a transaction of its own
        PlanEntity stored = QuarkusTransaction.requiringNew().call(() -> PlanEntity.<PlanEntity>findById(p1));
        assertThat(stored.state).isEqualTo(PlanState.PUBLISHED);
        assertThat(stored.approvalState).isEqualTo("APPROVED");
        assertThat(stored.approvalBy).isEqualTo("auth-disabled");
        assertThat(stored.approvalRevision).isEqualTo(stored.revision).isEqualTo(stored.publishedRevision);
        assertThat(stored.approvalAt).isNotNull();
        JsonPath view = given().get("/api/v1/plans/" + p1)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(view.getString("approval.by")).isEqualTo("auth-disabled");
        assertThat(view.getString("approval.decision")).isEqualTo("APPROVED");
        assertThat(view.getString("state")).isEqualTo("PUBLISHED");

        // a replay of fleet.nodes does not re-open it, nor publish it again
        send(c1Node.asEvent(UUID.randomUUID().toString(), Instant.now()));
        send(talos(c1 + "/cp-2", c1, ghent, List.of(), "a2"));
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).untilAsserted(() -> {
            assertThat(published(c1)).hasSize(1);
            assertThat(planStatus(StatusType.AWAITING_APPROVAL, p1)).hasSize(1);
        });
        assertThat(given().get("/api/v1/plans/" + p1).jsonPath().getString("state"))
                .isEqualTo("PUBLISHED");
        // approving a published plan is refused, saying why
        assertThat(given().post("/api/v1/plans/" + p1 + "/approve")
                        .then()
                        .statusCode(409)
                        .extract()
                        .jsonPath()
                        .getString("message"))
                .contains("PUBLISHED");

        // a new revision of the approved plan awaits approval again
        send(talos(c1 + "/cp-2", c1, ghent, List.of(Capability.DEFENDER), "a2-defender"));
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() ->
                        assertThat(planStatus(StatusType.AWAITING_APPROVAL, p1)).hasSize(2));
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(4))
                .untilAsserted(() -> assertThat(published(c1)).hasSize(1));
        given().post("/api/v1/plans/" + p1 + "/approve")
                .then()
                .statusCode(200)
                .body("state", org.hamcrest.Matchers.equalTo("PUBLISHED"));
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(published(c1))
                        .hasSize(2)
                        .last()
                        .satisfies(r -> assertThat(r.value()).contains("DEFENDER")));
    }

    @Test
    void aRejectedPlanIsNotPublishedUntilApprovedAgainAndARuleApprovesItsSite() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String c = "rej-" + run;
        String lab = "lab-" + run;
        String p = PlanIds.planId(Route.ARC_K8S, new Target(TargetKind.CLUSTER, c));
        String labPlan = PlanIds.planId(Route.ARC_K8S, new Target(TargetKind.CLUSTER, lab));
        NodeFacts facts = talos(c + "/cp-1", c, "porto-" + run, List.of(), "r1");
        send(facts);
        send(talos(lab + "/cp-1", lab, AUTO_SITE, List.of(), "l1"));

        // the lab cluster is approved by its rule at once
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(published(lab)).hasSize(1);
            assertThat(planStatus(StatusType.APPROVED, labPlan))
                    .singleElement()
                    .satisfies(e -> assertThat(e.actor()).isEqualTo("rule:lab is automatic"));
            assertThat(planStatus(StatusType.AWAITING_APPROVAL, p)).hasSize(1);
        });
        assertThat(planStatus(StatusType.AWAITING_APPROVAL, labPlan)).isEmpty();

        given().contentType(ContentType.JSON)
                .body("{\"reason\": \"change freeze until Monday\"}")
                .post("/api/v1/plans/" + p + "/reject")
                .then()
                .statusCode(200)
                .body("state", org.hamcrest.Matchers.equalTo("REJECTED"))
                .body("approval.reason", org.hamcrest.Matchers.equalTo("change freeze until Monday"));
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(planStatus(StatusType.REJECTED, p))
                        .singleElement()
                        .satisfies(e -> {
                            assertThat(e.actor()).isEqualTo("auth-disabled");
                            assertThat(e.detail()).contains("change freeze until Monday");
                        }));
        // a selector approves only plans awaiting approval; a replay keeps the rejection
        assertThat(given().contentType(ContentType.JSON)
                        .body("{\"clusterIds\": [\"" + c + "\"]}")
                        .post("/api/v1/plans/approve")
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath()
                        .getInt("approved"))
                .isZero();
        send(facts.asEvent(UUID.randomUUID().toString(), Instant.now()));
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(4))
                .untilAsserted(() -> assertThat(published(c)).isEmpty());
        assertThat(given().get("/api/v1/plans/" + p).jsonPath().getString("state"))
                .isEqualTo("REJECTED");

        given().post("/api/v1/plans/" + p + "/approve").then().statusCode(200);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(published(c)).hasSize(1));
    }

    @Test
    void anApprovedIotPlanStillWaitsForItsClustersArcPlan() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String c = "iot-" + run;
        String arc = PlanIds.planId(Route.ARC_K8S, new Target(TargetKind.CLUSTER, c));
        String iot = PlanIds.planId(Route.IOT_OPERATIONS, new Target(TargetKind.CLUSTER, c));
        send(PlanningFlowTest.flatcarGateway(c + "/gw-1", c, "g1"));
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(planStatus(StatusType.AWAITING_APPROVAL, arc, iot))
                        .hasSize(2));

        given().post("/api/v1/plans/" + iot + "/approve")
                .then()
                .statusCode(200)
                .body("state", org.hamcrest.Matchers.equalTo("WAITING"));
        given().contentType(ContentType.JSON)
                .body("{\"route\": \"ARC_K8S\", \"clusterIds\": [\"" + c + "\"]}")
                .post("/api/v1/plans/approve")
                .then()
                .statusCode(200)
                .body("planIds", org.hamcrest.Matchers.contains(arc));
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(published(c))
                        .extracting(ConsumerRecord::topic)
                        .containsExactly(Topics.PLANS_ARC_K8S));
        StatusEvent succeeded = new StatusEvent(
                UUID.randomUUID().toString(),
                "corr",
                Instant.now(),
                StatusType.SUCCEEDED,
                null,
                arc,
                Route.ARC_K8S,
                new Target(TargetKind.CLUSTER, c),
                null,
                null,
                5,
                "connected",
                null);
        ProducerRecord<String, String> record =
                new ProducerRecord<>(Topics.STATUS, c, JSON.writeValueAsString(succeeded));
        record.headers().add(EventTypes.CE_ID, succeeded.eventId().getBytes(StandardCharsets.UTF_8));
        record.headers().add(EventTypes.CE_TYPE, EventTypes.STATUS.getBytes(StandardCharsets.UTF_8));
        kafka.produceStrings().fromRecords(record).awaitCompletion();
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(published(c))
                        .extracting(ConsumerRecord::topic)
                        .containsExactly(Topics.PLANS_ARC_K8S, Topics.PLANS_IOT_OPERATIONS));
    }

    @Test
    void badRequestsNameEveryBadField() {
        assertThat(given().contentType(ContentType.JSON)
                        .body("{}")
                        .post("/api/v1/plans/approve")
                        .then()
                        .statusCode(400)
                        .extract()
                        .jsonPath()
                        .getList("errors.field", String.class))
                .containsExactly("body");
        assertThat(given().contentType(ContentType.JSON)
                        .body(
                                "{\"site\": \"a b\", \"route\": \"TELEPORT\", \"clusterIds\": \"c1\", \"labels\": [1], \"x\": 1}")
                        .post("/api/v1/plans/approve")
                        .then()
                        .statusCode(400)
                        .extract()
                        .jsonPath()
                        .getList("errors.field", String.class))
                .containsExactlyInAnyOrder("site", "route", "clusterIds", "labels", "x");
        assertThat(given().contentType(ContentType.JSON)
                        .body("{}")
                        .post("/api/v1/plans/some-plan/reject")
                        .then()
                        .statusCode(400)
                        .extract()
                        .jsonPath()
                        .getList("errors.field", String.class))
                .containsExactly("reason");
        assertThat(given().contentType(ContentType.JSON)
                        .body("{\"reason\": \"a\\u0000b\"}")
                        .post("/api/v1/plans/some-plan/reject")
                        .then()
                        .statusCode(400)
                        .extract()
                        .jsonPath()
                        .getList("errors.field", String.class))
                .containsExactly("reason");
        assertThat(given().queryParam("state", "SOMEWHERE")
                        .queryParam("route", "X")
                        .queryParam("site", "a\nb")
                        .get("/api/v1/plans")
                        .then()
                        .statusCode(400)
                        .extract()
                        .jsonPath()
                        .getList("errors.field", String.class))
                .containsExactlyInAnyOrder("state", "route", "site");
        given().post("/api/v1/plans/no-such-plan/approve").then().statusCode(404);
        given().contentType(ContentType.JSON)
                .body("{\"reason\": \"no\"}")
                .post("/api/v1/plans/no-such-plan/reject")
                .then()
                .statusCode(404);
    }

    static NodeFacts talos(String nodeId, String cluster, String site, List<Capability> capabilities, String hash) {
        return PlanningFlowTest.talosInCluster(nodeId, cluster, capabilities, hash)
                .withSite(site);
    }

    private List<ConsumerRecord<String, String>> published(String... clusters) {
        List<String> keys = List.of(clusters);
        return plans.getRecords().stream().filter(r -> keys.contains(r.key())).toList();
    }

    private List<StatusEvent> planStatus(StatusType type, String... planIds) {
        List<String> ids = List.of(planIds);
        return status.getRecords().stream()
                .map(r -> read(r.value()))
                .filter(e -> e != null && e.type() == type && e.nodeId() == null && ids.contains(e.planId()))
                .toList();
    }

    private static StatusEvent read(String json) {
        try {
            return JSON.readValue(json, StatusEvent.class);
        } catch (Exception e) {
            return null;
        }
    }
}
