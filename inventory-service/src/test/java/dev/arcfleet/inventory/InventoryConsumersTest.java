package dev.arcfleet.inventory;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import dev.arcfleet.contracts.CapabilitySet;
import dev.arcfleet.contracts.Decision;
import dev.arcfleet.contracts.EventTypes;
import dev.arcfleet.contracts.Route;
import dev.arcfleet.contracts.StatusEvent;
import dev.arcfleet.contracts.StatusType;
import dev.arcfleet.contracts.Target;
import dev.arcfleet.contracts.TargetKind;
import dev.arcfleet.contracts.Topics;
import dev.arcfleet.inventory.nodes.LastSeen;
import dev.arcfleet.inventory.status.StatusProjection;
import dev.arcfleet.testsupport.FleetInfraResource;
import dev.arcfleet.testsupport.StatusRecords;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(
        value = FleetInfraResource.class,
        initArgs = @ResourceArg(name = "database", value = "inventory_test"))
class InventoryConsumersTest extends InventoryKafkaTest {
    @Inject
    StatusProjection projection;

    @Inject
    LastSeen lastSeen;

    @Inject
    DataSource dataSource;

    @Test
    void deadLettersABadRegistrationWithItsReasonAndKeepsConsuming() {
        String bad = "bad-" + UUID.randomUUID();
        String good = "good-" + UUID.randomUUID();
        ConsumerTask<String, String> dlq = kafka.consumeStrings().fromTopics(Topics.deadLetter(Topics.REGISTRATIONS));

        kafka.produceStrings()
                .fromRecords(
                        new ProducerRecord<>(
                                Topics.REGISTRATIONS,
                                bad,
                                "{\"deviceId\": \"" + bad + "\", \"deviceClass\": \"TOASTER\"}"),
                        new ProducerRecord<>(Topics.REGISTRATIONS, "garbage", "{not json"),
                        new ProducerRecord<>(
                                Topics.REGISTRATIONS,
                                good,
                                "{\"deviceId\": \"" + good + "\", \"osImage\": \"Talos (v1.8.2)\"}"))
                .awaitCompletion();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(dlq.getRecords())
                    .filteredOn(r -> bad.equals(r.key()))
                    .singleElement()
                    .satisfies(r -> {
                        assertThat(header(r, "dead-letter-reason"))
                                .contains("deviceClass")
                                .contains("TOASTER");
                        assertThat(r.value()).contains(bad);
                    });
            assertThat(dlq.getRecords())
                    .filteredOn(r -> "garbage".equals(r.key()))
                    .singleElement()
                    .satisfies(r -> assertThat(header(r, "dead-letter-reason")).contains("not JSON"));
            given().get("/api/v1/nodes/" + good).then().statusCode(200).body("os.family", equalTo("talos"));
        });
        given().get("/api/v1/nodes/" + bad).then().statusCode(404);
        dlq.close();
    }

    @Test
    void projectsDecisionsAndPlanProgressIgnoringDuplicatesAndLateEvents() throws Exception {
        String node = "lyon/talos-" + UUID.randomUUID();
        register(node, null, TALOS, "lyon");
        String planId = UUID.randomUUID().toString();
        Target cluster = new Target(TargetKind.CLUSTER, "lyon");
        Decision decision = arcDecision(node, planId, cluster);

        StatusEvent planned = event(StatusType.PLANNED, node, planId, cluster, 0, decision);
        StatusEvent started = event(StatusType.STARTED, null, planId, cluster, 1, null);
        StatusEvent succeeded = event(StatusType.SUCCEEDED, null, planId, cluster, 9, null);
        StatusEvent lateStep = event(StatusType.STEP_SUCCEEDED, null, planId, cluster, 4, null);
        send(planned);
        send(started);
        send(succeeded);
        send(succeeded);
        send(lateStep);

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> given().get("/api/v1/nodes/" + node)
                        .then()
                        .statusCode(200)
                        .body("onboarding.route", equalTo("ARC_K8S"))
                        .body("onboarding.planId", equalTo(planId))
                        .body("onboarding.state", equalTo("SUCCEEDED")));
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(5))
                .untilAsserted(() ->
                        given().get("/api/v1/nodes/" + node).then().body("onboarding.state", equalTo("SUCCEEDED")));
    }

    @Test
    void anEventTheTimelineHoldsIsNotAppliedAgain() {
        String node = "lyon/talos-" + UUID.randomUUID();
        register(node, null, TALOS, "lyon");
        String planId = UUID.randomUUID().toString();
        Target cluster = new Target(TargetKind.CLUSTER, "lyon");
        StatusEvent planned = event(StatusType.PLANNED, node, planId, cluster, 0, arcDecision(node, planId, cluster));
        StatusEvent started = event(StatusType.STARTED, null, planId, cluster, 1, null);

        // twice in one batch, then again beside a new event: each event is applied once
        assertThat(QuarkusTransaction.requiringNew().call(() -> projection.applyAll(List.of(planned, planned))))
                .isEqualTo(1);
        assertThat(QuarkusTransaction.requiringNew().call(() -> projection.applyAll(List.of(planned, started))))
                .isEqualTo(1);
        assertThat(QuarkusTransaction.requiringNew().call(() -> projection.applyAll(List.of(started))))
                .isZero();
        assertThat(given().get("/api/v1/timelines/" + node)
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath()
                        .getList("events.type"))
                .containsExactly("PLANNED", "STARTED");
        given().get("/api/v1/nodes/" + node).then().statusCode(200).body("onboarding.state", equalTo("IN_PROGRESS"));
    }

    @Test
    void aDecisionOrHeartbeatForANodeTheRegistryDoesNotHoldLeavesNoRow() throws Exception {
        // the narrow rows hold no foreign key to node (V13): the writers' own filter is what keeps them out
        String known = "lyon/known-" + UUID.randomUUID();
        String unknown = "lyon/unknown-" + UUID.randomUUID();
        register(known, null, TALOS, "lyon");
        Target cluster = new Target(TargetKind.CLUSTER, "lyon");
        String knownPlan = UUID.randomUUID().toString();
        String unknownPlan = UUID.randomUUID().toString();
        QuarkusTransaction.requiringNew()
                .call(() -> projection.applyAll(List.of(
                        event(
                                StatusType.PLANNED,
                                unknown,
                                unknownPlan,
                                cluster,
                                0,
                                arcDecision(unknown, unknownPlan, cluster)),
                        event(
                                StatusType.PLANNED,
                                known,
                                knownPlan,
                                cluster,
                                0,
                                arcDecision(known, knownPlan, cluster)))));
        lastSeen.seen(unknown, Instant.now());
        lastSeen.seen(known, Instant.now());
        lastSeen.flush();

        assertThat(nodeIdsIn("latest_decision", known, unknown)).containsExactly(known);
        assertThat(nodeIdsIn("node_heartbeat", known, unknown)).containsExactly(known);
        given().get("/api/v1/nodes/" + known).then().statusCode(200).body("onboarding.state", equalTo("PLANNED"));
    }

    private List<String> nodeIdsIn(String table, String... nodeIds) throws Exception {
        List<String> found = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "select node_id from " + table + " where node_id = any(?) order by node_id")) {
            s.setArray(1, c.createArrayOf("varchar", nodeIds));
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    found.add(r.getString(1));
                }
            }
        }
        return found;
    }

    @Test
    void keepsEachNodesNewestDecisionWhenABatchCarriesSeveral() throws Exception {
        String first = "batch-" + UUID.randomUUID();
        String second = "batch-" + UUID.randomUUID();
        for (String node : List.of(first, second)) {
            given().contentType("application/json")
                    .body("{\"deviceId\": \"" + node + "\", \"osImage\": \"Talos (v1.8.2)\"}")
                    .post("/api/v1/registrations")
                    .then()
                    .statusCode(200);
        }
        Instant t0 = Instant.now();
        Target vm = new Target(TargetKind.NODE, first);
        // one produce call, so the events usually reach the consumer in one batch: the newer decision comes first
        List<ProducerRecord<String, String>> records = List.of(
                decided(first, Route.COMPANION_VM, vm, t0.plusSeconds(2)),
                decided(first, Route.BLOCKED, vm, t0.plusSeconds(1)),
                decided(second, Route.BLOCKED, new Target(TargetKind.NODE, second), t0.plusSeconds(1)),
                decided(second, Route.COMPANION_VM, new Target(TargetKind.NODE, second), t0.plusSeconds(1)));
        kafka.produceStrings().fromRecords(records).awaitCompletion();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            given().get("/api/v1/nodes/" + first)
                    .then()
                    .statusCode(200)
                    .body("onboarding.route", equalTo("COMPANION_VM"))
                    .body("onboarding.state", equalTo("PLANNED"));
            // equally new: the later event wins, as it would one event at a time
            given().get("/api/v1/nodes/" + second)
                    .then()
                    .statusCode(200)
                    .body("onboarding.route", equalTo("COMPANION_VM"))
                    .body("onboarding.state", equalTo("PLANNED"));
            assertThat(given().get("/api/v1/timelines/" + first)
                            .then()
                            .statusCode(200)
                            .extract()
                            .jsonPath()
                            .getList("events.type"))
                    .containsExactlyInAnyOrder("PLANNED", "BLOCKED");
        });
    }

    @Test
    void aDirectAgentNodeHandedOffToItsSiteShowsHandedOffWithWhoMadeTheKit() throws Exception {
        String node = "lyon-db-" + UUID.randomUUID();
        given().contentType("application/json")
                .body("{\"deviceId\": \"" + node + "\", \"site\": \"lyon\","
                        + " \"osRelease\": {\"ID\": \"ubuntu\", \"VERSION_ID\": \"22.04\"}}")
                .post("/api/v1/registrations")
                .then()
                .statusCode(200);
        String planId = UUID.randomUUID().toString();
        Target self = new Target(TargetKind.NODE, node);
        Decision decision = new Decision(
                node,
                Route.DIRECT_AGENT,
                self,
                false,
                List.of(),
                List.of("mutable server"),
                new CapabilitySet(List.of(), List.of()),
                List.of(),
                planId,
                List.of(),
                "p1",
                "h1",
                Instant.now());
        send(new StatusEvent(
                UUID.randomUUID().toString(),
                "corr",
                Instant.now(),
                StatusType.PLANNED,
                node,
                planId,
                Route.DIRECT_AGENT,
                self,
                null,
                null,
                0,
                "planned",
                decision));
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> given().get("/api/v1/nodes/" + node)
                        .then()
                        .statusCode(200)
                        .body("onboarding.state", equalTo("PLANNED")));

        send(new StatusEvent(
                UUID.randomUUID().toString(),
                "corr",
                Instant.now(),
                StatusType.HANDED_OFF,
                node,
                planId,
                Route.DIRECT_AGENT,
                self,
                "handoff",
                null,
                1,
                "handed off in kit kit-1 for site lyon, made by ops",
                null));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            given().get("/api/v1/nodes/" + node)
                    .then()
                    .statusCode(200)
                    .body("onboarding.route", equalTo("DIRECT_AGENT"))
                    .body("onboarding.state", equalTo("HANDED_OFF"));
            assertThat(given().get("/api/v1/timelines/" + node)
                            .then()
                            .statusCode(200)
                            .extract()
                            .jsonPath()
                            .getList("events.detail", String.class))
                    .anySatisfy(d -> assertThat(d).contains("kit-1", "ops"));
        });
        given().queryParam("state", "HANDED_OFF").get("/api/v1/nodes").then().statusCode(200);
    }

    @Test
    void aNodeWhosePlanAwaitsApprovalShowsItAndWhoApprovedOrRejectedItAndWhen() throws Exception {
        String cluster = "graz-" + UUID.randomUUID().toString().substring(0, 8);
        String node = cluster + "/cp-1";
        register(node, null, TALOS, cluster);
        String planId = UUID.randomUUID().toString();
        Target target = new Target(TargetKind.CLUSTER, cluster);
        Decision decision = arcDecision(node, planId, target);
        // PostgreSQL keeps microseconds: whole milliseconds read back as sent
        Instant t0 = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        send(event(StatusType.PLANNED, node, planId, target, 0, decision));
        send(planEvent(
                StatusType.AWAITING_APPROVAL,
                planId,
                target,
                null,
                t0,
                0,
                "revision r1 awaits an operator's approval"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            given().get("/api/v1/nodes/" + node)
                    .then()
                    .statusCode(200)
                    .body("onboarding.state", equalTo("AWAITING_APPROVAL"))
                    .body("onboarding.approval.state", equalTo("AWAITING_APPROVAL"))
                    .body("onboarding.detail", equalTo("in a Kubernetes cluster"));
            assertThat(given().get("/api/v1/fleet/summary").jsonPath().getLong("byState.AWAITING_APPROVAL"))
                    .isPositive();
            assertThat(given().get("/api/v1/fleet/approvals").jsonPath().getList("plans.planId", String.class))
                    .contains(planId);
            assertThat(given().queryParam("state", "AWAITING_APPROVAL")
                            .queryParam("cluster", cluster)
                            .get("/api/v1/nodes")
                            .jsonPath()
                            .getList("items.nodeId", String.class))
                    .containsExactly(node);
        });

        send(planEvent(
                StatusType.REJECTED, planId, target, "alice", t0.plusSeconds(1), 0, "rejected by alice: freeze"));
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> given().get("/api/v1/nodes/" + node)
                        .then()
                        .body("onboarding.state", equalTo("REJECTED"))
                        .body("onboarding.approval.by", equalTo("alice"))
                        .body("onboarding.approval.detail", equalTo("rejected by alice: freeze")));
        assertThat(given().get("/api/v1/fleet/approvals").jsonPath().getList("plans.planId", String.class))
                .doesNotContain(planId);

        Instant approvedAt = t0.plusSeconds(2);
        send(planEvent(StatusType.APPROVED, planId, target, "bob", approvedAt, 0, "approved by bob"));
        // a late event older than the approval changes nothing
        send(planEvent(StatusType.AWAITING_APPROVAL, planId, target, null, t0.plusMillis(500), 0, "late"));
        send(event(StatusType.STARTED, null, planId, target, 1, null));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            io.restassured.path.json.JsonPath page =
                    given().get("/api/v1/nodes/" + node).jsonPath();
            assertThat(page.getString("onboarding.state")).isEqualTo("IN_PROGRESS");
            assertThat(page.getString("onboarding.approval.state")).isEqualTo("APPROVED");
            assertThat(page.getString("onboarding.approval.by")).isEqualTo("bob");
            assertThat(Instant.parse(page.getString("onboarding.approval.at"))).isEqualTo(approvedAt);
            assertThat(given().get("/api/v1/timelines/" + node).jsonPath().getList("events.type", String.class))
                    .contains("AWAITING_APPROVAL", "REJECTED", "APPROVED", "STARTED");
        });
    }

    private static ProducerRecord<String, String> decided(String node, Route route, Target target, Instant decidedAt)
            throws Exception {
        String planId = route == Route.BLOCKED ? null : UUID.randomUUID().toString();
        Decision decision = new Decision(
                node,
                route,
                target,
                false,
                List.of(),
                List.of(route.name()),
                new CapabilitySet(List.of(), List.of()),
                List.of(),
                planId,
                List.of(),
                "p1",
                "h1",
                decidedAt);
        StatusEvent event = new StatusEvent(
                UUID.randomUUID().toString(),
                "corr",
                decidedAt,
                route == Route.BLOCKED ? StatusType.BLOCKED : StatusType.PLANNED,
                node,
                planId,
                route,
                target,
                null,
                null,
                0,
                route.name(),
                decision);
        return StatusRecords.of(event, JSON.writeValueAsString(event));
    }

    @Test
    void deadLettersAStatusEventOfUnknownType() {
        ConsumerTask<String, String> dlq = kafka.consumeStrings().fromTopics(Topics.deadLetter(Topics.STATUS));
        ProducerRecord<String, String> record = new ProducerRecord<>(Topics.STATUS, "x", "{\"type\": \"PLANNED\"}");
        record.headers().add(EventTypes.CE_ID, UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
        record.headers().add(EventTypes.CE_TYPE, "dev.arcfleet.onboarding.status.v9".getBytes(StandardCharsets.UTF_8));
        kafka.produceStrings().fromRecords(record).awaitCompletion();
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(dlq.getRecords())
                        .anySatisfy(
                                r -> assertThat(header(r, "dead-letter-reason")).contains("status.v9")));
        dlq.close();
    }
}
