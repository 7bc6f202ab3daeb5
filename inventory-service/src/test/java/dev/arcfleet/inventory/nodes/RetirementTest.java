package dev.arcfleet.inventory.nodes;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arcfleet.contracts.Capability;
import dev.arcfleet.contracts.CapabilitySet;
import dev.arcfleet.contracts.Decision;
import dev.arcfleet.contracts.EventTypes;
import dev.arcfleet.contracts.Route;
import dev.arcfleet.contracts.StatusType;
import dev.arcfleet.contracts.Target;
import dev.arcfleet.contracts.TargetKind;
import dev.arcfleet.contracts.Topics;
import dev.arcfleet.inventory.InventoryKafkaTest;
import dev.arcfleet.testsupport.FleetInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Retirements by an operator and with their cluster: each active node retired once on {@code fleet.nodes}; the
 * executor's offboarding (played here by its status events) shown on the node, its timeline and the summary; a node
 * registered again is back in the fleet.
 */
@QuarkusTest
@QuarkusTestResource(
        value = FleetInfraResource.class,
        initArgs = @ResourceArg(name = "database", value = "inventory_test"))
class RetirementTest extends InventoryKafkaTest {

    @Test
    void operatorsRetireNodesOnceAndTheClustersOffboardingShowsOnItsNodesAndInTheSummary() throws Exception {
        String cluster = "ret-" + UUID.randomUUID().toString().substring(0, 8);
        String n1 = cluster + "/cp-1";
        String n2 = cluster + "/worker-1";
        ConsumerTask<String, String> nodes = kafka.consumeStrings().fromTopics(Topics.NODES);
        register(n1, "ghent", TALOS, cluster);
        register(n2, "ghent", TALOS, cluster);
        String planId = UUID.randomUUID().toString();
        Target target = new Target(TargetKind.CLUSTER, cluster);
        Instant t0 = Instant.now();
        send(event(StatusType.PLANNED, n1, planId, target, 0, arcDecision(n1, planId, target), t0));
        send(event(StatusType.PLANNED, n2, planId, target, 0, arcDecision(n2, planId, target), t0));
        send(event(StatusType.STARTED, null, planId, target, 1, null, t0.plusMillis(10)));
        send(event(StatusType.SUCCEEDED, null, planId, target, 2, null, t0.plusMillis(20)));
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> given().get("/api/v1/nodes/" + n2)
                        .then()
                        .statusCode(200)
                        .body("onboarding.state", equalTo("SUCCEEDED")));

        // one node by id: retired once, a second time is nothing more
        given().post("/api/v1/nodes/" + n2 + "/retire")
                .then()
                .statusCode(200)
                .body("retired", equalTo(1))
                .body("nodeIds", hasItem(n2));
        given().post("/api/v1/nodes/" + n2 + "/retire").then().statusCode(200).body("retired", equalTo(0));
        given().post("/api/v1/nodes/" + cluster + "/nope/retire").then().statusCode(404);
        given().contentType("application/json")
                .body("{}")
                .post("/api/v1/nodes/retire")
                .then()
                .statusCode(400)
                .body("errors.field", hasItem("selector"));

        // the cluster offboarded: its remaining active node is retired (the cluster was never watched)
        given().delete("/api/v1/clusters/" + cluster + "?offboard=true")
                .then()
                .statusCode(200)
                .body("retired", equalTo(1))
                .body("nodeIds", hasItem(n1))
                .body("watched", equalTo(false));
        given().delete("/api/v1/clusters/" + cluster + "?offboard=true").then().statusCode(404);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(retirements(nodes, cluster)).containsExactly(n2, n1));

        // the executor offboards the cluster's plan: every step on the timeline, OFFBOARDED on both nodes
        send(event(StatusType.OFFBOARDING, null, planId, target, 3, null, t0.plusMillis(30)));
        send(event(StatusType.STEP_SUCCEEDED, null, planId, target, 4, null, t0.plusMillis(40)));
        send(event(StatusType.OFFBOARDED, null, planId, target, 5, null, t0.plusMillis(50)));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            given().get("/api/v1/nodes/" + n1)
                    .then()
                    .statusCode(200)
                    .body("retired", equalTo(true))
                    .body("onboarding.state", equalTo("OFFBOARDED"));
            JsonPath timeline = given().get("/api/v1/timelines/" + n1)
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath();
            assertThat(timeline.getList("events.type"))
                    .containsSubsequence("SUCCEEDED", "OFFBOARDING", "STEP_SUCCEEDED", "OFFBOARDED");
        });
        given().get("/api/v1/nodes?cluster=" + cluster + "&state=OFFBOARDED")
                .then()
                .statusCode(200)
                .body("total", equalTo(2));
        JsonPath summary = given().get("/api/v1/fleet/summary")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(summary.getLong("byState.OFFBOARDED")).isGreaterThanOrEqualTo(2);

        // registered again: active and PENDING at once (not its plan's OFFBOARDED), and its facts go to the planner
        // again
        register(n1, "ghent", TALOS, cluster);
        given().get("/api/v1/nodes/" + n1)
                .then()
                .statusCode(200)
                .body("retired", equalTo(false))
                .body("onboarding.state", equalTo("PENDING"))
                .body("onboarding.planId", nullValue());
        given().get("/api/v1/nodes?cluster=" + cluster + "&state=OFFBOARDED")
                .then()
                .statusCode(200)
                .body("total", equalTo(1))
                .body("items.nodeId", equalTo(List.of(n2)));
        given().get("/api/v1/nodes?cluster=" + cluster + "&state=PENDING")
                .then()
                .statusCode(200)
                .body("total", equalTo(1))
                .body("items.nodeId", equalTo(List.of(n1)));
        // the planner decides again for the same plan: PLANNED, until the executor reports on the new onboarding
        send(event(StatusType.PLANNED, n1, planId, target, 0, arcDecision(n1, planId, target), t0.plusMillis(60)));
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> given().get("/api/v1/nodes/" + n1)
                        .then()
                        .statusCode(200)
                        .body("onboarding.state", equalTo("PLANNED"))
                        .body("onboarding.planId", equalTo(planId)));
        given().get("/api/v1/nodes?cluster=" + cluster + "&state=PLANNED")
                .then()
                .statusCode(200)
                .body("items.nodeId", equalTo(List.of(n1)));
        given().get("/api/v1/nodes/" + n2).then().statusCode(200).body("onboarding.state", equalTo("OFFBOARDED"));
        send(event(StatusType.STARTED, null, planId, target, 6, null, t0.plusMillis(70)));
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> given().get("/api/v1/nodes/" + n1)
                        .then()
                        .statusCode(200)
                        .body("onboarding.state", equalTo("IN_PROGRESS")));
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(nodes.getRecords())
                        .filteredOn(r -> EventTypes.NODE_FACTS.equals(type(r))
                                && r.value().contains("\"nodeId\":\"" + n1 + "\""))
                        .hasSize(2));
        nodes.close();
    }

    @Test
    void aSelectorRetiresTheActiveNodesOfASiteWithTheirLabelsAndAPlainClusterDeleteSaysItKeepsThem() {
        String site = "sel-" + UUID.randomUUID().toString().substring(0, 8);
        given().contentType("application/json")
                .body("{\"deviceId\": \"" + site + "-a\", \"site\": \"" + site
                        + "\", \"osImage\": \"Talos (v1.8.2)\", \"labels\": {\"tier\": \"lab\"}}")
                .post("/api/v1/registrations")
                .then()
                .statusCode(200);
        given().contentType("application/json")
                .body("{\"deviceId\": \"" + site + "-b\", \"site\": \"" + site
                        + "\", \"osImage\": \"Talos (v1.8.2)\", \"labels\": {\"tier\": \"prod\"}}")
                .post("/api/v1/registrations")
                .then()
                .statusCode(200);

        given().contentType("application/json")
                .body("{\"site\": \"" + site + "\", \"labels\": {\"tier\": \"lab\"}}")
                .post("/api/v1/nodes/retire")
                .then()
                .statusCode(200)
                .body("retired", equalTo(1))
                .body("nodeIds", equalTo(List.of(site + "-a")));
        given().contentType("application/json")
                .body("{\"site\": \"" + site + "\"}")
                .post("/api/v1/nodes/retire")
                .then()
                .statusCode(200)
                .body("retired", equalTo(1))
                .body("nodeIds", equalTo(List.of(site + "-b")));
        given().delete("/api/v1/clusters/" + site + "-none").then().statusCode(404);
    }

    @Test
    void withTheStaleThresholdOffNoNodeIsStaleAndAStaleRetirementIsRefused() {
        register("off-" + UUID.randomUUID().toString().substring(0, 8), "ghent", TALOS, null);
        given().get("/api/v1/nodes/stale")
                .then()
                .statusCode(200)
                .body("enabled", equalTo(false))
                .body("staleAfter", nullValue())
                .body("total", equalTo(0))
                .body("items.size()", equalTo(0));
        given().contentType("application/json")
                .body("{\"stale\": true}")
                .post("/api/v1/nodes/retire")
                .then()
                .statusCode(409);
        given().contentType("application/json")
                .body("{\"stale\": false}")
                .post("/api/v1/nodes/retire")
                .then()
                .statusCode(400)
                .body("errors.field", hasItem("selector"));
    }

    @Test
    void aFailedOffboardingShowsOnTheRetiredNodeAndNeedsAttention() throws Exception {
        String node = "vm-" + UUID.randomUUID().toString().substring(0, 8);
        register(node, "ghent", TALOS, null);
        String planId = UUID.randomUUID().toString();
        Target target = new Target(TargetKind.NODE, node);
        Instant t0 = Instant.now();
        Decision decision = new Decision(
                node,
                Route.COMPANION_VM,
                target,
                false,
                List.of(),
                List.of("immutable host"),
                new CapabilitySet(List.of(Capability.EXTENSIONS), List.of()),
                List.of(),
                planId,
                List.of(),
                "p1",
                "h1",
                Instant.now());
        send(event(StatusType.PLANNED, node, planId, target, 0, decision, t0));
        send(event(StatusType.SUCCEEDED, null, planId, target, 1, null, t0.plusMillis(10)));
        given().post("/api/v1/nodes/" + node + "/retire").then().statusCode(200).body("retired", equalTo(1));
        send(event(StatusType.OFFBOARDING, null, planId, target, 2, null, t0.plusMillis(20)));
        send(event(StatusType.OFFBOARD_FAILED, null, planId, target, 3, null, t0.plusMillis(30)));

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> given().get("/api/v1/nodes/" + node)
                        .then()
                        .statusCode(200)
                        .body("onboarding.state", equalTo("OFFBOARD_FAILED")));
        JsonPath attention = given().get("/api/v1/executions/attention?limit=500")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        int index = attention.getList("items.planId").indexOf(planId);
        assertThat(index).isNotNegative();
        assertThat(attention.getString("items[" + index + "].state")).isEqualTo("OFFBOARD_FAILED");
        assertThat(attention.getString("items[" + index + "].sampleNodeId")).isEqualTo(node);
    }

    @Test
    void eachWriteOfANodesFactsIsObservedLaterAndItsRetirementNamesTheFactsItRetires() throws Exception {
        // the planner takes no processed marks: it tells a resent or replayed event of a node by these times
        String node = "observed-" + UUID.randomUUID().toString().substring(0, 8);
        ConsumerTask<String, String> nodes = kafka.consumeStrings().fromTopics(Topics.NODES);
        // two changes of one node in one request share the request's time; the second is still observed later
        given().contentType("application/json")
                .body("[" + registration(node, TALOS) + ", " + registration(node, "Talos (v1.9.0)") + "]")
                .post("/api/v1/registrations")
                .then()
                .statusCode(200)
                .body("items.status", contains("ACCEPTED", "ACCEPTED"));
        register(node, "ghent", TALOS, null);
        given().post("/api/v1/nodes/" + node + "/retire").then().statusCode(200).body("retired", equalTo(1));

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(valuesKeyed(nodes, node)).hasSize(4));
        // keyed by node id: it is in no cluster
        List<JsonNode> events = valuesKeyed(nodes, node);
        List<Instant> observed = events.subList(0, 3).stream()
                .map(e -> Instant.parse(e.get("observedAt").asText()))
                .toList();
        assertThat(observed).isSorted().doesNotHaveDuplicates();
        JsonNode retired = events.get(3);
        assertThat(retired.has("reason")).isTrue();
        assertThat(Instant.parse(retired.get("factsObservedAt").asText())).isEqualTo(observed.get(2));
        assertThat(Instant.parse(given().get("/api/v1/nodes/" + node)
                        .then()
                        .statusCode(200)
                        .extract()
                        .<String>path("observedAt")))
                .isEqualTo(observed.get(2));
    }

    private static String registration(String deviceId, String osImage) {
        return "{\"deviceId\": \"" + deviceId + "\", \"hostname\": \"host-" + deviceId + "\", \"site\": \"ghent\","
                + " \"osImage\": \"" + osImage + "\"}";
    }

    private static List<String> retirements(ConsumerTask<String, String> task, String cluster) {
        return task.getRecords().stream()
                .filter(r -> cluster.equals(r.key()))
                .filter(r -> EventTypes.NODE_RETIRED.equals(type(r)))
                .map(r -> JSON_NODE_ID.matcher(r.value()))
                .filter(java.util.regex.Matcher::find)
                .map(m -> m.group(1))
                .toList();
    }

    private static final java.util.regex.Pattern JSON_NODE_ID =
            java.util.regex.Pattern.compile("\"nodeId\":\"([^\"]+)\"");

    private static String type(ConsumerRecord<String, String> r) {
        var h = r.headers().lastHeader(EventTypes.CE_TYPE);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
