package dev.arcfleet.planner.handoff;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.arcfleet.contracts.DeviceClass;
import dev.arcfleet.contracts.FactsSource;
import dev.arcfleet.contracts.HostFacts;
import dev.arcfleet.contracts.Mutability;
import dev.arcfleet.contracts.NodeFacts;
import dev.arcfleet.contracts.OsIdentity;
import dev.arcfleet.contracts.Route;
import dev.arcfleet.contracts.StatusEvent;
import dev.arcfleet.contracts.StatusType;
import dev.arcfleet.contracts.Topics;
import dev.arcfleet.contracts.Virtualization;
import dev.arcfleet.planner.PlannerKafkaTest;
import dev.arcfleet.testsupport.FleetInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** DIRECT_AGENT nodes end in their site's hand-off kit, on the real broker and database. */
@QuarkusTest
@QuarkusTestResource(
        value = FleetInfraResource.class,
        initArgs = @ResourceArg(name = "database", value = "planner_test"))
class HandoffFlowTest extends PlannerKafkaTest {
    static NodeFacts ubuntu(String nodeId, String hostname, String site, String hash) {
        return new NodeFacts(
                UUID.randomUUID().toString(),
                "corr-" + nodeId,
                Instant.now(),
                nodeId,
                hostname,
                site,
                DeviceClass.SERVER,
                Map.of("ID", "ubuntu", "VERSION_ID", "22.04"),
                "Ubuntu 22.04.5 LTS",
                "5.15.0-126-generic",
                new HostFacts("amd64", 8, 16384L, false, false, "apt"),
                null,
                new Virtualization(false, false, false),
                List.of(),
                Map.of(),
                FactsSource.REGISTRATION,
                Instant.now(),
                new OsIdentity("ubuntu", "22.04", Mutability.MUTABLE, List.of("os-release ID=ubuntu")),
                hash);
    }

    @Test
    void aSitesKitHoldsItsDirectAgentNodesOnceAndEachReportsHandedOff() throws Exception {
        String site = "lyon-" + UUID.randomUUID().toString().substring(0, 8);
        String other = "porto-" + UUID.randomUUID().toString().substring(0, 8);
        ConsumerTask<String, String> status = kafka.consumeStrings().fromTopics(Topics.STATUS);
        ConsumerTask<String, String> plans = kafka.consumeStrings()
                .fromTopics(Topics.PLANS_ARC_K8S, Topics.PLANS_COMPANION_VM, Topics.PLANS_IOT_OPERATIONS);
        send(ubuntu(site + "-db-01", site + "-db-01.example.net", site, "u1"));
        send(ubuntu(site + "-db-02", site + "-db-02", site, "u2"));
        send(ubuntu(other + "-web-1", other + "-web-1", other, "u3"));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(events(status, site, StatusType.PLANNED)).hasSize(2).allSatisfy(e -> {
                assertThat(e.decision().route()).isEqualTo(Route.DIRECT_AGENT);
                assertThat(e.decision().planId()).isNotNull();
            });
            // the other site's node too: it may sit on another partition and be decided later
            assertThat(given().get("/api/v1/handoffs").jsonPath().getMap("awaiting"))
                    .containsEntry(site, 2)
                    .containsEntry(other, 1);
        });

        JsonPath kit = given().contentType(ContentType.JSON)
                .body("{\"site\": \"" + site + "\"}")
                .post("/api/v1/handoffs")
                .then()
                .statusCode(201)
                .extract()
                .jsonPath();
        String kitId = kit.getString("kitId");
        assertThat(kit.getInt("nodes")).isEqualTo(2);
        assertThat(kit.getString("createdBy")).isEqualTo("auth-disabled");
        assertThat(kit.getString("script"))
                .contains("'" + site + "-db-01') NODE_ID='" + site + "-db-01'")
                .contains("'" + site + "-db-02')")
                .doesNotContain(other)
                .contains("SERVICE_PRINCIPAL_ID='11111111-2222-3333-4444-555555555555'");
        assertThat(kit.getString("inventory"))
                .contains(site + "-db-01.example.net")
                .doesNotContain(other);

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(events(status, site, StatusType.HANDED_OFF))
                        .hasSize(2)
                        .allSatisfy(e -> {
                            assertThat(e.detail()).contains(kitId).contains("auth-disabled");
                            assertThat(e.planId()).isNotNull();
                            assertThat(e.route()).isEqualTo(Route.DIRECT_AGENT);
                        }));
        assertThat(given().get("/api/v1/handoffs").jsonPath().getMap("awaiting"))
                .doesNotContainKey(site)
                .containsEntry(other, 1);

        // Nothing left for the site: a second kit is refused, saying why; no executor ever saw a plan of it.
        given().contentType(ContentType.JSON)
                .body("{\"site\": \"" + site + "\"}")
                .post("/api/v1/handoffs")
                .then()
                .statusCode(409);
        assertThat(plans.getRecords()).noneMatch(r -> r.key() != null && r.key().startsWith(site));

        given().get("/api/v1/handoffs/" + kitId + "/script")
                .then()
                .statusCode(200)
                .contentType("text/x-shellscript")
                .header("Content-Disposition", "attachment; filename=\"onboard-" + site + ".sh\"");
        given().get("/api/v1/handoffs/" + kitId + "/inventory")
                .then()
                .statusCode(200)
                .contentType("text/csv");
        given().get("/api/v1/handoffs/kit-unknown").then().statusCode(404);

        // A handed-off node whose facts change (renamed) awaits the next kit, and only it is in that kit.
        send(ubuntu(site + "-db-02", site + "-db-02b", site, "u2-renamed"));
        // (the site is absent from the map until the renamed node is decided: an assertion, not a null to unbox)
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(
                                given().get("/api/v1/handoffs").jsonPath().getMap("awaiting"))
                        .containsEntry(site, 1));
        JsonPath second = given().contentType(ContentType.JSON)
                .body("{\"site\": \"" + site + "\"}")
                .post("/api/v1/handoffs")
                .then()
                .statusCode(201)
                .extract()
                .jsonPath();
        assertThat(second.getInt("nodes")).isEqualTo(1);
        assertThat(second.getString("script"))
                .contains("'" + site + "-db-02b')")
                .doesNotContain(site + "-db-01");
        assertThat(given().queryParam("site", site)
                        .get("/api/v1/handoffs")
                        .jsonPath()
                        .getList("kits.kitId"))
                .containsExactly(second.getString("kitId"), kitId);
        status.close();
        plans.close();
    }

    @Test
    void aKitRequestWithoutAUsableSiteIsRefusedWithTheField() {
        for (String body :
                List.of("{}", "{\"site\": 7}", "{\"site\": \"a b\"}", "{\"site\": \"" + "x".repeat(129) + "\"}")) {
            assertThat(given().contentType(ContentType.JSON)
                            .body(body)
                            .post("/api/v1/handoffs")
                            .then()
                            .statusCode(400)
                            .extract()
                            .jsonPath()
                            .getList("errors.field", String.class))
                    .as(body)
                    .containsExactly("site");
        }
        given().queryParam("site", "a\nb").get("/api/v1/handoffs").then().statusCode(400);
    }

    @Test
    void theOpenApiDocumentDescribesTheApiAndItsBearerScheme() {
        io.restassured.path.json.JsonPath doc = io.restassured.RestAssured.given()
                .queryParam("format", "json")
                .get("/q/openapi")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        org.assertj.core.api.Assertions.assertThat(doc.getString("info.title")).contains("planner-service");
        org.assertj.core.api.Assertions.assertThat(doc.getMap("paths"))
                .containsKeys("/api/v1/handoffs", "/api/v1/decisions/preview");
        org.assertj.core.api.Assertions.assertThat(doc.getString("components.securitySchemes.fleetToken.scheme"))
                .isEqualTo("bearer");
        org.assertj.core.api.Assertions.assertThat(
                        String.valueOf(doc.<Object>get("paths.'/api/v1/handoffs'.post.security")))
                .as("a write names the scheme")
                .contains("fleetToken");
        io.restassured.RestAssured.given().get("/q/swagger-ui/").then().statusCode(200);
    }

    private static List<StatusEvent> events(ConsumerTask<String, String> task, String prefix, StatusType type) {
        return task.getRecords().stream()
                .filter(r -> r.key() != null && r.key().startsWith(prefix))
                .map(r -> {
                    try {
                        return JSON.readValue(r.value(), StatusEvent.class);
                    } catch (Exception e) {
                        throw new AssertionError(r.value(), e);
                    }
                })
                .filter(e -> e.type() == type)
                .toList();
    }
}
