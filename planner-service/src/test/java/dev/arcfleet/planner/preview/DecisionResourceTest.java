package dev.arcfleet.planner.preview;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;

import dev.arcfleet.contracts.NodeFacts;
import dev.arcfleet.contracts.Topics;
import dev.arcfleet.planner.PlannerKafkaTest;
import dev.arcfleet.planner.decide.Facts;
import dev.arcfleet.planner.plan.NodeDecisionEntity;
import dev.arcfleet.testsupport.FleetInfraResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(
        value = FleetInfraResource.class,
        initArgs = @ResourceArg(name = "database", value = "planner_test"))
class DecisionResourceTest extends PlannerKafkaTest {
    @Test
    void previewsRegistrationsAndNodeFactsWithoutPublishingOrStoringAnything() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        ConsumerTask<String, String> status = kafka.consumeStrings().fromTopics(Topics.STATUS);
        String body = """
                [ {"deviceId": "%1$s-ghent-line3/gw-07", "site": "ghent", "deviceClass": "EDGE_GATEWAY",
                   "osRelease": {"ID": "flatcar", "ID_LIKE": "coreos", "VERSION_ID": "4081.2.0"},
                   "osImage": "Flatcar Container Linux by Kinvolk 4081.2.0 (Oklo)", "kernelVersion": "6.6.60-flatcar",
                   "host": {"architecture": "amd64", "cpuCores": 8, "memoryMiB": 16384, "readOnlyUsr": true, "packageManager": "none"},
                   "cluster": {"id": "%1$s-ghent-line3", "distribution": "k3s"}},
                  %2$s ]""".formatted(
                run, JSON.writeValueAsString(Facts.ubuntu().id(run + "-db-01").build()));

        JsonPath decisions = given().contentType(ContentType.JSON)
                .body(body)
                .when()
                .post("/api/v1/decisions/preview")
                .then()
                .statusCode(200)
                .body("$", hasSize(2))
                .extract()
                .jsonPath();

        assertThat(decisions.getString("[0].route")).isEqualTo("IOT_OPERATIONS");
        assertThat(decisions.getString("[0].target.kind")).isEqualTo("CLUSTER");
        assertThat(decisions.getString("[0].target.id")).isEqualTo(run + "-ghent-line3");
        assertThat(decisions.getList("[0].capabilities.provided", String.class))
                .containsExactlyInAnyOrder("EDGE_DATA", "MONITOR", "POLICY");
        assertThat(decisions.getList("[0].rejected.route", String.class))
                .contains("DIRECT_AGENT", "SYSEXT", "STATIC_BINARY");
        assertThat(decisions.getString("[0].planId")).isNotBlank();
        assertThat(decisions.getList("[0].dependsOn", String.class)).hasSize(1);
        assertThat(decisions.getString("[0].policyVersion")).startsWith("seed-2026-11+");
        assertThat(decisions.getString("[1].route")).isEqualTo("DIRECT_AGENT");
        assertThat(decisions.getString("[1].nodeId")).isEqualTo(run + "-db-01");

        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(4))
                .untilAsserted(() ->
                        assertThat(status.getRecords()).noneMatch(r -> r.value().contains(run)));
        status.close();
        long stored =
                QuarkusTransaction.requiringNew().call(() -> NodeDecisionEntity.count("nodeId like ?1", run + "%"));
        assertThat(stored).isZero();
    }

    @Test
    void rejectsBadItemsWithOneMessagePerField() {
        given().contentType(ContentType.JSON)
                .body("""
                        [ {"deviceId": "ok-1", "osImage": "Talos (v1.8.2)"},
                          {"deviceId": "bad one!", "deviceClass": "TOASTER", "requiredCapabilities": ["WIFI"]},
                          {"hostname": "no-id"} ]""")
                .when()
                .post("/api/v1/decisions/preview")
                .then()
                .statusCode(400)
                .body("errors.field", hasItem("[1].deviceId"))
                .body("errors.field", hasItem("[1].deviceClass"))
                .body("errors.field", hasItem(startsWith("[1].requiredCapabilities")))
                .body("errors.field", hasItem("[2]"))
                .body("errors.findAll { it.field.startsWith('[0]') }", hasSize(0));
        given().contentType(ContentType.JSON)
                .body("\"hello\"")
                .when()
                .post("/api/v1/decisions/preview")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("body"));
    }

    @Test
    void whatIfShowsWhichKnownNodesWouldChangeAndPublishesNothing() throws Exception {
        String site = "lab-" + UUID.randomUUID().toString().substring(0, 8);
        List<NodeFacts> nodes = List.of(
                Facts.ubuntu()
                        .id(site + "-db-1")
                        .site(site)
                        .cluster(site + "-k3s", "k3s")
                        .build(),
                Facts.ubuntu().id(site + "-db-2").site(site).build(),
                Facts.talos()
                        .id(site + "-k3s/cp-1")
                        .site(site)
                        .cluster(site + "-k3s", "k3s")
                        .build());
        ConsumerTask<String, String> out = kafka.consumeStrings()
                .fromTopics(
                        Topics.STATUS, Topics.PLANS_ARC_K8S, Topics.PLANS_COMPANION_VM, Topics.PLANS_IOT_OPERATIONS);
        nodes.forEach(this::send);
        // Decided and published (PLANNED for each node, and the cluster's plan) before the what-if starts.
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(out.getRecords().stream()
                                .filter(r -> r.topic().equals(Topics.STATUS)
                                        && r.value().contains("\"PLANNED\"")
                                        && r.value().contains(site)))
                        .hasSize(3));
        long published =
                out.getRecords().stream().filter(r -> r.value().contains(site)).count();
        String policy = """
                {"version": "no-agents-in-the-lab",
                 "routeRules": [{"name": "no agents in %s", "site": "%s", "deny": ["DIRECT_AGENT"]}]}""".formatted(site, site);
        JsonPath result = given().contentType(ContentType.JSON)
                .body(policy)
                .queryParam("limit", 10000)
                .when()
                .post("/api/v1/decisions/what-if")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();

        assertThat(result.getString("proposedPolicy")).startsWith("no-agents-in-the-lab+");
        assertThat(result.getString("currentPolicy")).startsWith("seed-2026-11+");
        assertThat(result.getInt("nodes")).isGreaterThanOrEqualTo(3);
        List<Map<String, Object>> mine = result.<Map<String, Object>>getList("changes").stream()
                .filter(c -> c.get("nodeId").toString().startsWith(site))
                .toList();
        assertThat(mine).extracting(c -> c.get("nodeId")).containsExactlyInAnyOrder(site + "-db-1", site + "-db-2");
        Map<String, Object> db1 = mine.stream()
                .filter(c -> c.get("nodeId").equals(site + "-db-1"))
                .findFirst()
                .orElseThrow();
        assertThat(((Map<?, ?>) db1.get("from")).get("route")).isEqualTo("DIRECT_AGENT");
        assertThat(((Map<?, ?>) db1.get("to")).get("route")).isEqualTo("ARC_K8S");
        Map<String, Object> db2 = mine.stream()
                .filter(c -> c.get("nodeId").equals(site + "-db-2"))
                .findFirst()
                .orElseThrow();
        assertThat(((Map<?, ?>) db2.get("to")).get("route")).isEqualTo("BLOCKED");
        assertThat(db2.get("rationale").toString()).contains("denied by policy rule 'no agents in " + site + "'");
        assertThat(result.getList("transitions.from", String.class)).contains("DIRECT_AGENT");
        assertThat(result.getInt("transitions.find { it.from == 'DIRECT_AGENT' && it.to == 'ARC_K8S' }.nodes"))
                .isGreaterThanOrEqualTo(1);

        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(4))
                .untilAsserted(() -> assertThat(out.getRecords().stream()
                                .filter(r -> r.value().contains(site))
                                .count())
                        .isEqualTo(published));
        out.close();
        String stillDirect = QuarkusTransaction.requiringNew()
                .call(() -> NodeDecisionEntity.<NodeDecisionEntity>findById(site + "-db-1").route);
        assertThat(stillDirect).isEqualTo("DIRECT_AGENT");
    }

    @Test
    void whatIfRejectsABadPolicyFieldByField() {
        given().contentType(ContentType.JSON)
                .body("{\"companionVm\": {\"minCpuCores\": -1}, \"routeRules\": [{\"deny\": [\"TELEPORT\"]}]}")
                .when()
                .post("/api/v1/decisions/what-if")
                .then()
                .statusCode(400)
                .body("errors.field", hasItem("companionVm.minCpuCores"))
                .body("errors.field", hasItem("routeRules[0].deny"));
    }
}
