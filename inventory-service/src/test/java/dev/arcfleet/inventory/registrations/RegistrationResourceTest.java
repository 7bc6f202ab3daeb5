package dev.arcfleet.inventory.registrations;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arcfleet.contracts.EventTypes;
import dev.arcfleet.contracts.FactsSource;
import dev.arcfleet.contracts.Registration;
import dev.arcfleet.contracts.Topics;
import dev.arcfleet.facts.normalize.FactsNormalizer;
import dev.arcfleet.inventory.nodes.KnownFacts;
import dev.arcfleet.testsupport.FleetInfraResource;
import dev.arcfleet.testsupport.ServiceKafkaTest;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(
        value = FleetInfraResource.class,
        initArgs = @ResourceArg(name = "database", value = "inventory_test"))
class RegistrationResourceTest extends ServiceKafkaTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    KnownFacts knownFacts;

    @Inject
    FactsNormalizer normalizer;

    @Inject
    ObjectMapper mapper;

    static String flatcarGateway(String deviceId, String cluster, int cores) {
        return """
                { "deviceId": "%s", "hostname": "gw-07", "site": "ghent", "deviceClass": "EDGE_GATEWAY",
                  "osRelease": { "ID": "flatcar", "VERSION_ID": "4081.2.0", "PRETTY_NAME": "Flatcar Container Linux by Kinvolk 4081.2.0 (Oklo)" },
                  "osImage": "Flatcar Container Linux by Kinvolk 4081.2.0 (Oklo)", "kernelVersion": "6.6.60-flatcar",
                  "host": { "architecture": "amd64", "cpuCores": %d, "memoryMiB": 16384, "readOnlyUsr": true, "packageManager": "none" },
                  "cluster": { "id": "%s", "distribution": "k3s" },
                  "requiredCapabilities": ["POLICY", "MONITOR"], "labels": { "line": "3" } }""".formatted(deviceId, cores, cluster);
    }

    /** Posts a registration (or a bulk) and returns its first item's status; the answer must be 200. */
    static String firstStatus(String body) {
        return given().contentType(ContentType.JSON)
                .body(body)
                .post("/api/v1/registrations")
                .then()
                .statusCode(200)
                .extract()
                .path("items[0].status");
    }

    @Test
    void storesGoodItemsOfABulkAndReportsEachBadOne() {
        String good = "ghent-gw-" + UUID.randomUUID();
        String body = "[" + flatcarGateway(good, "ghent-line3", 8) + ", {\"hostname\": \"no-id\"},"
                + " {\"deviceId\": \"bad-" + UUID.randomUUID() + "\", \"host\": {\"cpuCores\": \"eight\"}}]";
        given().contentType(ContentType.JSON)
                .body(body)
                .post("/api/v1/registrations")
                .then()
                .statusCode(200)
                .body("accepted", equalTo(1))
                .body("rejected", equalTo(2))
                .body("items[0].status", equalTo("ACCEPTED"))
                .body("items[1].status", equalTo("REJECTED"))
                .body("items[1].errors[0].field", equalTo("deviceId"))
                .body("items[2].errors.field", hasItem("host.cpuCores"));
        given().get("/api/v1/nodes/" + good)
                .then()
                .statusCode(200)
                .body("os.family", equalTo("flatcar"))
                .body("os.mutability", equalTo("IMMUTABLE"))
                .body("onboarding.state", equalTo("PENDING"));
    }

    @Test
    void rejectsAnAllBadRequestWith400AndOneMessagePerField() {
        given().contentType(ContentType.JSON)
                .body("{\"deviceId\": \"\", \"deviceClass\": \"TOASTER\"}")
                .post("/api/v1/registrations")
                .then()
                .statusCode(400)
                .body("rejected", equalTo(1))
                .body("items[0].errors.field", hasItem("deviceClass"))
                .body("items[0].errors.field", hasItem("deviceId"));
    }

    @Test
    void rejectsMalformedJsonAndWrongShapesWith4xx() {
        given().contentType(ContentType.JSON)
                .body("{\"deviceId\": ")
                .post("/api/v1/registrations")
                .then()
                .statusCode(400);
        given().contentType(ContentType.JSON)
                .body("42")
                .post("/api/v1/registrations")
                .then()
                .statusCode(400);
        given().contentType(ContentType.TEXT)
                .body("deviceId=x")
                .post("/api/v1/registrations")
                .then()
                .statusCode(415);
    }

    @Test
    void answers413ForABulkOverTenThousandItems() {
        StringBuilder body = new StringBuilder("[");
        for (int i = 0; i <= 10_000; i++) {
            body.append(i == 0 ? "" : ",").append("{\"deviceId\":\"n").append(i).append("\"}");
        }
        given().contentType(ContentType.JSON)
                .body(body.append("]").toString())
                .post("/api/v1/registrations")
                .then()
                .statusCode(413);
    }

    /**
     * A registration the view of known facts holds with its facts is answered from memory, whatever way it came: the
     * view is made to hold a node the registry does not, and its registration is UNCHANGED, not stored. A change back
     * behind a change in one bulk follows the change into the registry and is stored.
     */
    @Test
    void aKnownNodesHeartbeatIsAnsweredFromMemoryAndAChangeBackInABulkIsStored() throws Exception {
        String cluster = "cluster-" + UUID.randomUUID();
        String ghost = "ghent-ghost-" + UUID.randomUUID();
        String ghostFacts = flatcarGateway(ghost, cluster, 8);
        String hash = normalizer
                .normalize(
                        mapper.readValue(ghostFacts, Registration.class),
                        FactsSource.REGISTRATION,
                        Instant.now(),
                        "e",
                        "c")
                .factsHash();
        knownFacts.stored(ghost, hash, knownFacts.generation());
        try {
            assertThat(firstStatus(ghostFacts)).isEqualTo("UNCHANGED");
            given().get("/api/v1/nodes/" + ghost).then().statusCode(404);
        } finally {
            knownFacts.stored(ghost, null, knownFacts.generation());
        }

        String id = "ghent-gw-" + UUID.randomUUID();
        assertThat(firstStatus(flatcarGateway(id, cluster, 8))).isEqualTo("ACCEPTED");
        String stored = given().get("/api/v1/nodes/" + id).then().extract().path("factsHash");
        // the view learns a write after its commit
        await().atMost(Duration.ofSeconds(10)).until(() -> knownFacts.unchanged(id, stored));
        given().contentType(ContentType.JSON)
                .body("[" + flatcarGateway(id, cluster, 16) + ", " + flatcarGateway(id, cluster, 8) + "]")
                .post("/api/v1/registrations")
                .then()
                .statusCode(200)
                .body("items.status", contains("ACCEPTED", "ACCEPTED"));
        given().get("/api/v1/nodes/" + id)
                .then()
                .statusCode(200)
                .body("host.cpuCores", equalTo(8))
                .body("factsHash", equalTo(stored));
        assertThat(firstStatus(flatcarGateway(id, cluster, 8))).isEqualTo("UNCHANGED");
    }

    @Test
    void publishesNodeFactsKeyedByClusterOnlyWhenFactsChange() throws Exception {
        String id = "ghent-gw-" + UUID.randomUUID();
        String cluster = "cluster-" + UUID.randomUUID();
        ConsumerTask<String, String> nodes = kafka.consumeStrings().fromTopics(Topics.NODES);

        assertThat(firstStatus(flatcarGateway(id, cluster, 8))).isEqualTo("ACCEPTED");
        assertThat(firstStatus(flatcarGateway(id, cluster, 8))).isEqualTo("UNCHANGED");
        assertThat(firstStatus(flatcarGateway(id, cluster, 16))).isEqualTo("ACCEPTED");

        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(recordsFor(nodes, id)).hasSize(2));
        List<ConsumerRecord<String, String>> published = recordsFor(nodes, id);
        assertThat(published).allSatisfy(r -> {
            assertThat(r.key()).isEqualTo(cluster);
            assertThat(header(r, EventTypes.CE_TYPE)).isEqualTo(EventTypes.NODE_FACTS);
            assertThat(header(r, EventTypes.CE_ID)).isNotBlank();
            assertThat(header(r, EventTypes.CE_CORRELATION_ID)).isNotBlank();
        });
        JsonNode first = JSON.readTree(published.get(0).value());
        JsonNode second = JSON.readTree(published.get(1).value());
        assertThat(first.at("/host/cpuCores").asInt()).isEqualTo(8);
        assertThat(second.at("/host/cpuCores").asInt()).isEqualTo(16);
        assertThat(first.get("factsHash").asText())
                .isNotEqualTo(second.get("factsHash").asText());
        assertThat(first.at("/os/family").asText()).isEqualTo("flatcar");
        nodes.close();
    }

    @Test
    void unknownNodeAnswers404WithAMessage() {
        given().get("/api/v1/nodes/no-such-node")
                .then()
                .statusCode(404)
                .body("message", equalTo("no node no-such-node"));
    }

    private static List<ConsumerRecord<String, String>> recordsFor(ConsumerTask<String, String> task, String nodeId) {
        return task.getRecords().stream()
                .filter(r -> r.value().contains("\"nodeId\":\"" + nodeId + "\""))
                .toList();
    }

    static String header(ConsumerRecord<String, String> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
