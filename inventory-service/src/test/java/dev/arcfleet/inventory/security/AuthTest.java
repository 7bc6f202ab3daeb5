package dev.arcfleet.inventory.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import dev.arcfleet.testsupport.FleetInfraResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Writes need a token with the right role; a registrar token registers into its own site only; revocation is immediate. */
@QuarkusTest
@TestProfile(AuthTest.AuthOn.class)
class AuthTest {
    static final String ADMIN_TOKEN = "afo_test-admin-" + UUID.randomUUID();
    static final String SERVICE_TOKEN = "afo_test-service-" + UUID.randomUUID();

    /**
     * Inventory as deployments run it: writes need tokens, and Kafka authenticates and authorizes ({@code ScramKafka},
     * as {@code fleet-inventory}; the tests' own clients connect as the super user). Shared by the tests that need
     * either, because each profile is a Quarkus application built and started anew (35-50 s of a test run).
     */
    public static class AuthOn implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(
                    FleetInfraResource.class,
                    Map.of("database", "inventory_auth", "kafka.auth", "scram", "kafka.user", "fleet-inventory")));
        }

        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                Path file = Files.createTempFile("admin-token-", ".txt");
                Files.writeString(file, ADMIN_TOKEN + "\n");
                Path service = Files.createTempFile("service-token-", ".txt");
                Files.writeString(service, SERVICE_TOKEN + "\n");
                return Map.of(
                        "fleet.auth.enabled",
                        "true",
                        "fleet.auth.admin-token-file",
                        file.toString(),
                        "fleet.auth.service-token-file",
                        service.toString(),
                        "fleet.registrations.rate-limit.registrar.burst",
                        "4",
                        "fleet.registrations.rate-limit.registrar.per-second",
                        "0.2");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static String registration(String deviceId, String site) {
        return "{\"deviceId\": \"" + deviceId + "\", \"site\": \"" + site + "\", \"osImage\": \"Talos (v1.8.2)\"}";
    }

    static RequestSpecification as(String token) {
        return given().header("Authorization", "Bearer " + token).contentType("application/json");
    }

    @Test
    void anUnauthenticatedWriteIsRefusedWithAMessageAndReadsStayOpen() {
        given().contentType("application/json")
                .body(registration("anon-" + UUID.randomUUID(), "ghent"))
                .post("/api/v1/registrations")
                .then()
                .statusCode(401)
                .header("WWW-Authenticate", containsString("Bearer"))
                .body("message", containsString("bearer token"));
        given().contentType("application/json")
                .body("{\"id\": \"c1\", \"access\": {\"mode\": \"IN_CLUSTER\"}}")
                .post("/api/v1/clusters")
                .then()
                .statusCode(401);
        given().contentType("application/json")
                .body("{}")
                .post("/api/v1/tokens")
                .then()
                .statusCode(401);
        as("afo_not-a-token")
                .body(registration("bogus-" + UUID.randomUUID(), "ghent"))
                .post("/api/v1/registrations")
                .then()
                .statusCode(401)
                .body("message", containsString("unknown or revoked"));
        given().get("/api/v1/fleet/summary").then().statusCode(200);
    }

    @Test
    void anAnonymousReaderSeesNoKubeconfigPathAndNoRawWatchError() {
        String id = "hidden-" + UUID.randomUUID().toString().substring(0, 8);
        String path = System.getProperty("java.io.tmpdir") + "/no-such-kubeconfig-" + id + ".yaml";
        as(ADMIN_TOKEN)
                .body("{\"id\": \"" + id + "\", \"access\": {\"mode\": \"KUBECONFIG_FILE\", \"path\": \"" + path
                        + "\"}}")
                .post("/api/v1/clusters")
                .then()
                .statusCode(201);
        await().atMost(java.time.Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(as(ADMIN_TOKEN)
                                .get("/api/v1/clusters/" + id)
                                .then()
                                .statusCode(200)
                                .extract()
                                .jsonPath()
                                .getString("status.lastError"))
                        .contains(path));
        String anonymous = given().get("/api/v1/clusters/" + id)
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(anonymous)
                .doesNotContain(path)
                .doesNotContain("no such file")
                .contains("details for operators")
                .contains("KUBECONFIG_FILE");
        assertThat(given().get("/api/v1/clusters")
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString())
                .doesNotContain(path);
        assertThat(as(ADMIN_TOKEN)
                        .get("/api/v1/clusters/" + id)
                        .then()
                        .extract()
                        .jsonPath()
                        .getString("access.path"))
                .isEqualTo(path);
        as(ADMIN_TOKEN).delete("/api/v1/clusters/" + id).then().statusCode(204);
    }

    @Test
    void aSiteTokenRegistersIntoItsSiteOnlyAndStopsWorkingWhenRevoked() {
        JsonPath registrar = as(ADMIN_TOKEN)
                .body("{\"name\": \"ghent devices\", \"role\": \"registrar\", \"site\": \"ghent\"}")
                .post("/api/v1/tokens")
                .then()
                .statusCode(201)
                .body("token", notNullValue())
                .extract()
                .jsonPath();
        String token = registrar.getString("token");
        String own = "ghent-" + UUID.randomUUID();
        String foreign = "lyon-" + UUID.randomUUID();

        as(token)
                .body(registration(own, "ghent"))
                .post("/api/v1/registrations")
                .then()
                .statusCode(200)
                .body("accepted", equalTo(1));
        as(token)
                .body(registration(foreign, "lyon"))
                .post("/api/v1/registrations")
                .then()
                .statusCode(400)
                .body("items[0].errors.field", hasItem("site"))
                .body("items[0].errors[0].message", containsString("ghent"));
        as(token)
                .body("[" + registration(own + "-2", "ghent") + ", " + registration(foreign + "-2", "lyon") + "]")
                .post("/api/v1/registrations")
                .then()
                .statusCode(200)
                .body("accepted", equalTo(1))
                .body("rejected", equalTo(1));
        given().get("/api/v1/nodes/" + foreign).then().statusCode(404);
        given().get("/api/v1/nodes/" + foreign + "-2").then().statusCode(404);

        // a registrar token registers and does nothing else
        as(token)
                .body("{\"id\": \"c1\", \"access\": {\"mode\": \"IN_CLUSTER\"}}")
                .post("/api/v1/clusters")
                .then()
                .statusCode(403)
                .body("message", containsString("role"));
        as(token)
                .body("{\"name\": \"x\", \"role\": \"admin\"}")
                .post("/api/v1/tokens")
                .then()
                .statusCode(403);

        // listing shows the token's facts, never the token
        String listed = as(ADMIN_TOKEN)
                .get("/api/v1/tokens")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(listed).contains(registrar.getString("tokenId")).doesNotContain(token);

        as(ADMIN_TOKEN)
                .delete("/api/v1/tokens/" + registrar.getString("tokenId"))
                .then()
                .statusCode(200)
                .body("revokedAt", notNullValue());
        as(token)
                .body(registration(own + "-3", "ghent"))
                .post("/api/v1/registrations")
                .then()
                .statusCode(401);
    }

    @Test
    void rolesGoUpFromReaderToOperatorToAdmin() {
        String reader = as(ADMIN_TOKEN)
                .body("{\"name\": \"dashboards\", \"role\": \"reader\"}")
                .post("/api/v1/tokens")
                .then()
                .statusCode(201)
                .extract()
                .path("token");
        String operator = as(ADMIN_TOKEN)
                .body("{\"name\": \"ops\", \"role\": \"operator\"}")
                .post("/api/v1/tokens")
                .then()
                .statusCode(201)
                .extract()
                .path("token");
        as(reader)
                .body(registration("r-" + UUID.randomUUID(), "lyon"))
                .post("/api/v1/registrations")
                .then()
                .statusCode(403);
        as(operator)
                .body(registration("o-" + UUID.randomUUID(), "lyon"))
                .post("/api/v1/registrations")
                .then()
                .statusCode(200);
        as(operator)
                .body("{\"name\": \"x\", \"role\": \"admin\"}")
                .post("/api/v1/tokens")
                .then()
                .statusCode(403);
        as(ADMIN_TOKEN)
                .body("{\"name\": \"\", \"role\": \"root\", \"site\": \"ghent\"}")
                .post("/api/v1/tokens")
                .then()
                .statusCode(400)
                .body("errors.field", hasItem("name"))
                .body("errors.field", hasItem("role"))
                .body("message", not(containsString("afo_")));
    }

    /** Unlike the registry's reads, the operator tools' reads show record values: an operator's, too. */
    @Test
    void theOperatorToolsNeedAnOperator() {
        String reader = as(ADMIN_TOKEN)
                .body("{\"name\": \"wallboard\", \"role\": \"reader\"}")
                .post("/api/v1/tokens")
                .then()
                .statusCode(201)
                .extract()
                .path("token");
        String operator = as(ADMIN_TOKEN)
                .body("{\"name\": \"on call\", \"role\": \"operator\"}")
                .post("/api/v1/tokens")
                .then()
                .statusCode(201)
                .extract()
                .path("token");
        given().get("/api/v1/ops/dead-letters/summary")
                .then()
                .statusCode(401)
                .body("message", containsString("bearer token"));
        as(reader)
                .get("/api/v1/ops/dead-letters?topic=fleet.registrations.dlq")
                .then()
                .statusCode(403);
        as(reader)
                .body("{\"topic\": \"fleet.registrations.dlq\", \"all\": true}")
                .post("/api/v1/ops/dead-letters/redrive")
                .then()
                .statusCode(403);
        as(reader)
                .body("{\"topic\": \"fleet.nodes\", \"from\": \"beginning\"}")
                .post("/api/v1/ops/consumer-groups/planner/replay")
                .then()
                .statusCode(403);
        as(operator).get("/api/v1/ops/dead-letters/summary").then().statusCode(200);
        as(operator)
                .body("{\"topic\": \"fleet.registrations.dlq\"}")
                .post("/api/v1/ops/dead-letters/redrive")
                .then()
                .statusCode(400)
                .body("errors.field", hasItem("records"));
    }

    @Test
    void theOtherServicesCanAskWhatATokenGrantsUntilItIsRevoked() {
        JsonPath created = as(ADMIN_TOKEN)
                .body("{\"name\": \"lyon devices\", \"role\": \"registrar\", \"site\": \"lyon\"}")
                .post("/api/v1/tokens")
                .then()
                .statusCode(201)
                .extract()
                .jsonPath();
        String token = created.getString("token");

        as(SERVICE_TOKEN)
                .body(Map.of("token", token))
                .post("/api/v1/tokens/introspect")
                .then()
                .statusCode(200)
                .body("active", equalTo(true))
                .body("role", equalTo("registrar"))
                .body("site", equalTo("lyon"));
        as(SERVICE_TOKEN)
                .body(Map.of("token", ADMIN_TOKEN))
                .post("/api/v1/tokens/introspect")
                .then()
                .statusCode(200)
                .body("active", equalTo(true))
                .body("role", equalTo("admin"));
        as(SERVICE_TOKEN)
                .body(Map.of("token", "afo_never-issued"))
                .post("/api/v1/tokens/introspect")
                .then()
                .statusCode(200)
                .body("active", equalTo(false))
                .body("role", equalTo(null));
        as(SERVICE_TOKEN)
                .body("{}")
                .post("/api/v1/tokens/introspect")
                .then()
                .statusCode(400)
                .body("errors.field", hasItem("token"));

        // only the services (their service token) and admins may ask: nobody else learns which tokens are live
        given().contentType("application/json")
                .body(Map.of("token", token))
                .post("/api/v1/tokens/introspect")
                .then()
                .statusCode(401);
        as(token)
                .body(Map.of("token", ADMIN_TOKEN))
                .post("/api/v1/tokens/introspect")
                .then()
                .statusCode(403);
        as(ADMIN_TOKEN)
                .body(Map.of("token", token))
                .post("/api/v1/tokens/introspect")
                .then()
                .statusCode(200)
                .body("active", equalTo(true));
        as(SERVICE_TOKEN)
                .body("{\"deviceId\": \"svc-" + UUID.randomUUID() + "\"}")
                .post("/api/v1/registrations")
                .then()
                .statusCode(403);

        as(ADMIN_TOKEN)
                .delete("/api/v1/tokens/" + created.getString("tokenId"))
                .then()
                .statusCode(200);
        as(SERVICE_TOKEN)
                .body(Map.of("token", token))
                .post("/api/v1/tokens/introspect")
                .then()
                .statusCode(200)
                .body("active", equalTo(false));
    }

    @Test
    void aDeviceTokenIsHeldToItsRateAndABulkOverItsBurstIsRefused() {
        String token = as(ADMIN_TOKEN)
                .body("{\"name\": \"bruges devices\", \"role\": \"registrar\", \"site\": \"bruges\"}")
                .post("/api/v1/tokens")
                .then()
                .statusCode(201)
                .extract()
                .jsonPath()
                .getString("token");
        List<String> four = IntStream.range(0, 4)
                .mapToObj(i -> registration("bruges-" + i + "-" + UUID.randomUUID(), "bruges"))
                .toList();

        as(token)
                .body("[" + String.join(",", four) + "]")
                .post("/api/v1/registrations")
                .then()
                .statusCode(200)
                .body("accepted", equalTo(4));
        String retryAfter = as(token)
                .body(registration("bruges-d-" + UUID.randomUUID(), "bruges"))
                .post("/api/v1/registrations")
                .then()
                .statusCode(429)
                .body("message", containsString("too many registrations from this token"))
                .extract()
                .header("Retry-After");
        assertThat(Integer.parseInt(retryAfter)).isBetween(1, 5);
        as(token)
                .body("[" + String.join(",", four) + "," + registration("bruges-e", "bruges") + "]")
                .post("/api/v1/registrations")
                .then()
                .statusCode(413)
                .body("message", containsString("at most 4"));

        // another token, and people's tokens, have budgets of their own
        as(ADMIN_TOKEN)
                .body(registration("bruges-f-" + UUID.randomUUID(), "bruges"))
                .post("/api/v1/registrations")
                .then()
                .statusCode(200)
                .body("accepted", equalTo(1));
    }
}
