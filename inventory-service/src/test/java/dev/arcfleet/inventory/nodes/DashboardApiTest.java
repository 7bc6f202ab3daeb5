package dev.arcfleet.inventory.nodes;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import dev.arcfleet.contracts.Capability;
import dev.arcfleet.contracts.CapabilitySet;
import dev.arcfleet.contracts.Decision;
import dev.arcfleet.contracts.RejectedRoute;
import dev.arcfleet.contracts.Route;
import dev.arcfleet.contracts.StatusEvent;
import dev.arcfleet.contracts.StatusType;
import dev.arcfleet.contracts.Target;
import dev.arcfleet.contracts.TargetKind;
import dev.arcfleet.inventory.InventoryKafkaTest;
import dev.arcfleet.testsupport.FleetInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The API behind the dashboard: timelines, executions needing attention, breakdowns, search, the live stream, metrics. */
@QuarkusTest
@QuarkusTestResource(
        value = FleetInfraResource.class,
        initArgs = @ResourceArg(name = "database", value = "inventory_test"))
class DashboardApiTest extends InventoryKafkaTest {
    @TestHTTPResource("/api/v1/live")
    URL live;

    @Test
    void aNodesTimelineHoldsItsDecisionAndEveryStepOfItsPlanOnceAndAFailedPlanNeedsAttention() throws Exception {
        String site = "site-" + UUID.randomUUID().toString().substring(0, 8);
        String node = site + "/talos-1";
        register(node, site, "Talos (v1.8.2)", site);
        String planId = UUID.randomUUID().toString();
        Target cluster = new Target(TargetKind.CLUSTER, site);
        Decision decision = new Decision(
                node,
                Route.ARC_K8S,
                cluster,
                false,
                List.of(),
                List.of("in a Kubernetes cluster"),
                new CapabilitySet(List.of(Capability.POLICY), List.of()),
                List.of(new RejectedRoute("DIRECT_AGENT", List.of("READ_ONLY_USR"))),
                planId,
                List.of(),
                "p1",
                "h1",
                Instant.now());
        Instant t0 = Instant.now();
        send(event(StatusType.PLANNED, node, planId, cluster, 0, null, "planned", decision, t0));
        send(event(
                StatusType.STARTED,
                null,
                planId,
                cluster,
                1,
                null,
                "ARC_K8S on CLUSTER " + site,
                null,
                t0.plusMillis(10)));
        send(event(
                StatusType.STEP_SUCCEEDED,
                null,
                planId,
                cluster,
                2,
                "resource-group",
                "created",
                null,
                t0.plusMillis(20)));
        send(event(
                StatusType.RETRYING,
                null,
                planId,
                cluster,
                3,
                "connected-cluster",
                "429 Too Many Requests",
                null,
                t0.plusMillis(30)));
        StatusEvent failed = event(
                StatusType.FAILED,
                null,
                planId,
                cluster,
                4,
                "connected-cluster",
                "Microsoft.Kubernetes is not registered: az provider register -n Microsoft.Kubernetes",
                null,
                t0.plusMillis(40));
        send(failed);
        send(failed);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonPath timeline = given().get("/api/v1/timelines/" + node)
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath();
            assertThat(timeline.getList("events.type"))
                    .containsExactly("PLANNED", "STARTED", "STEP_SUCCEEDED", "RETRYING", "FAILED");
            assertThat(timeline.getList("events.step"))
                    .containsExactly(null, null, "resource-group", "connected-cluster", "connected-cluster");
            assertThat(timeline.getList("events.correlationId")).containsOnly("corr-" + planId);
        });
        JsonPath attention = given().get("/api/v1/executions/attention")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(attention.getString("items[0].state")).isEqualTo("FAILED");
        int index = attention.getList("items.planId").indexOf(planId);
        assertThat(index).isNotNegative();
        assertThat(attention.getString("items[" + index + "].detail")).contains("az provider register");
        assertThat(attention.getLong("items[" + index + "].nodes")).isEqualTo(1);
        assertThat(attention.getString("items[" + index + "].sampleNodeId")).isEqualTo(node);

        given().get("/api/v1/timelines/no-such-node").then().statusCode(404);
        given().get("/api/v1/executions/attention?limit=0")
                .then()
                .statusCode(400)
                .body("errors.field", hasItem("limit"));
    }

    @Test
    void breakdownsCountBySiteClusterAndFamilyAndSearchFindsPartsOfIdsAndHostnames() {
        String site = "bd-" + UUID.randomUUID().toString().substring(0, 8);
        register(site + "-a", site, "Talos (v1.8.2)", null);
        register(site + "-b", site, "Flatcar Container Linux by Kinvolk 3975.2.1 (Oklo)", null);
        register(site + "-c", site, "Talos (v1.8.2)", site + "-cl");

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonPath bySite = given().get("/api/v1/fleet/breakdown?by=site")
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath();
            assertThat(bySite.getMap("counts." + site).values().stream()
                            .mapToLong(v -> ((Number) v).longValue())
                            .sum())
                    .isEqualTo(3);
        });
        JsonPath byCluster = given().get("/api/v1/fleet/breakdown?by=cluster")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(byCluster.getMap("counts." + site + "-cl")).isNotEmpty();
        JsonPath byFamily = given().get("/api/v1/fleet/breakdown?by=family")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(byFamily.getMap("counts.talos")).isNotEmpty();
        assertThat(byFamily.getMap("counts.flatcar")).isNotEmpty();
        given().get("/api/v1/fleet/breakdown?by=colour").then().statusCode(400).body("errors.field", hasItem("by"));

        // search: any case, a part of the id or hostname; LIKE wildcards in the text are taken literally
        given().get("/api/v1/nodes?q=" + site.toUpperCase() + "-B")
                .then()
                .statusCode(200)
                .body("total", equalTo(1))
                .body("items[0].nodeId", equalTo(site + "-b"));
        given().get("/api/v1/nodes?q=host-" + site + "-c")
                .then()
                .statusCode(200)
                .body("total", equalTo(1));
        given().get("/api/v1/nodes?q=" + site + "%25").then().statusCode(200).body("total", equalTo(0));
    }

    @Test
    void theLiveStreamAnnouncesARegistrationAndADecisionAfterTheyAreStored() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<InputStream> stream = http.send(
                HttpRequest.newBuilder(URI.create(live.toString()))
                        .header("Accept", "text/event-stream")
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(stream.statusCode()).isEqualTo(200);
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader in =
                            new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                        in.lines().forEach(lines::add);
                    } catch (java.io.IOException | java.io.UncheckedIOException e) {
                        lines.add("closed: " + e.getMessage());
                    }
                },
                "sse-reader");
        reader.setDaemon(true);
        reader.start();
        try {
            String node = "live-" + UUID.randomUUID();
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(300))
                    .untilAsserted(() -> {
                        // registering again until the stream is seen to carry it covers a subscription that opens late
                        register(node + "-" + lines.size(), "livesite", "Talos (v1.8.2)", null);
                        assertThat(lines)
                                .anySatisfy(l -> assertThat(l)
                                        .startsWith("data:")
                                        .contains(node)
                                        .contains("\"type\":\"REGISTERED\"")
                                        .contains("\"kind\":\"NODE\""));
                    });
            String registered =
                    lines.stream().filter(l -> l.contains(node)).findFirst().orElseThrow();
            String nodeId = JSON.readTree(registered.substring("data:".length()))
                    .get("nodeId")
                    .asText();
            String planId = UUID.randomUUID().toString();
            Target target = new Target(TargetKind.NODE, nodeId);
            Decision decision = new Decision(
                    nodeId,
                    Route.BLOCKED,
                    target,
                    false,
                    List.of("NO_KUBERNETES"),
                    List.of("no route"),
                    new CapabilitySet(List.of(), List.of(Capability.POLICY)),
                    List.of(),
                    planId,
                    List.of(),
                    "p1",
                    "h1",
                    Instant.now());
            send(event(StatusType.BLOCKED, nodeId, planId, target, 0, null, "blocked", decision, Instant.now()));
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(lines)
                            .anySatisfy(l -> assertThat(l)
                                    .contains(nodeId)
                                    .contains("\"type\":\"BLOCKED\"")
                                    .contains("\"kind\":\"STATUS\"")));
            given().get("/api/v1/nodes/" + nodeId).then().body("onboarding.state", equalTo("BLOCKED"));
        } finally {
            stream.body().close();
        }
    }

    @Test
    void liveStreamsBeyondTheCapAreRefusedUntilOneCloses() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create(live.toString()))
                .header("Accept", "text/event-stream")
                .build();
        HttpResponse<InputStream> first = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        HttpResponse<InputStream> second = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try {
            assertThat(first.statusCode()).isEqualTo(200);
            assertThat(second.statusCode()).isEqualTo(200);
            HttpResponse<String> third = http.send(request, HttpResponse.BodyHandlers.ofString());
            assertThat(third.statusCode()).isEqualTo(503);
            assertThat(third.headers().firstValue("Retry-After")).contains("30");
            assertThat(third.body()).contains("max-subscribers");
        } finally {
            first.body().close();
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            HttpResponse<InputStream> again = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            again.body().close();
            assertThat(again.statusCode()).isEqualTo(200);
        });
        second.body().close();
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
        org.assertj.core.api.Assertions.assertThat(doc.getString("info.title")).contains("inventory-service");
        org.assertj.core.api.Assertions.assertThat(doc.getMap("paths"))
                .containsKeys("/api/v1/registrations", "/api/v1/nodes", "/api/v1/clusters");
        org.assertj.core.api.Assertions.assertThat(doc.getString("components.securitySchemes.fleetToken.scheme"))
                .isEqualTo("bearer");
        org.assertj.core.api.Assertions.assertThat(
                        String.valueOf(doc.<Object>get("paths.'/api/v1/registrations'.post.security")))
                .as("a write names the scheme")
                .contains("fleetToken");
        io.restassured.RestAssured.given().get("/q/swagger-ui/").then().statusCode(200);
    }

    @Test
    void metricsCountRegistrationsByOutcome() {
        given().contentType("application/json")
                .body("[{\"deviceId\": \"m-" + UUID.randomUUID() + "\"},"
                        + " {\"deviceId\": \"\", \"deviceClass\": \"TOASTER\"}]")
                .post("/api/v1/registrations")
                .then()
                .statusCode(200);
        String metrics =
                given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics)
                .contains("fleet_registrations_total{outcome=\"ACCEPTED\",source=\"REGISTRATION\"}")
                .contains("fleet_registrations_total{outcome=\"REJECTED\",source=\"REGISTRATION\"}")
                .contains("fleet_outbox_backlog");
    }
}
