package dev.arcfleet.inventory.registrations;

import static dev.arcfleet.testsupport.KafkaFixture.header;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arcfleet.contracts.EventTypes;
import dev.arcfleet.contracts.Topics;
import dev.arcfleet.testsupport.FleetInfraResource;
import dev.arcfleet.testsupport.KafkaFixture;
import dev.arcfleet.testsupport.PoisonRecords;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operator tools (module {@code ops}) as inventory-service serves them, on registrations its consumer dead-lettered:
 * listed with their reasons, and a mended registration re-driven once and registered. {@code dev.arcfleet.ops.OpsToolsTest}
 * covers the rest of the tools.
 */
@QuarkusTest
@QuarkusTestResource(
        value = FleetInfraResource.class,
        initArgs = @ResourceArg(name = "database", value = "inventory_ops"))
class RegistrationDeadLettersTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String DLQ = Topics.deadLetter(Topics.REGISTRATIONS);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    KafkaFixture kafka;

    @BeforeEach
    void connect() {
        kafka = new KafkaFixture(bootstrap);
    }

    @AfterEach
    void close() {
        kafka.close();
    }

    @Test
    void listsDeadLetteredRegistrationsWithTheirReasonsAndWhereTheyCameFrom() throws Exception {
        String run = UUID.randomUUID().toString();
        String toaster = "ops-toaster-" + run;
        String garbled = "ops-garbled-" + run;
        String future = "ops-v9-" + run;
        long from = Collections.min(kafka.offsets(DLQ, OffsetSpec.latest()).values());
        RecordMetadata toasterAt = kafka.send(PoisonRecords.of(
                Topics.REGISTRATIONS,
                toaster,
                EventTypes.REGISTRATION_SUBMITTED,
                "{\"deviceId\": \"" + toaster + "\", \"osImage\": \"Talos (v1.8.2)\", \"deviceClass\": \"TOASTER\"}"));
        RecordMetadata garbledAt = kafka.send(PoisonRecords.of(
                Topics.REGISTRATIONS,
                garbled,
                EventTypes.REGISTRATION_SUBMITTED,
                "{\"deviceId\": \"" + garbled + "\", \"osImage\": "));
        RecordMetadata futureAt = kafka.send(PoisonRecords.of(
                Topics.REGISTRATIONS,
                future,
                "dev.arcfleet.registration.submitted.v9",
                "{\"deviceId\": \"" + future + "\"}"));

        Map<String, JsonNode> listed = new HashMap<>();
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    JsonNode page = json(
                            given().get("/api/v1/ops/dead-letters?topic=" + DLQ + "&from=" + from + "&limit=500"), 200);
                    listed.clear();
                    page.get("records").forEach(r -> listed.put(r.path("key").asText(), r));
                    assertThat(listed).containsKeys(toaster, garbled, future);
                });

        assertThat(listed.get(toaster).get("reason").asText())
                .contains("invalid registration")
                .contains("deviceClass");
        assertThat(listed.get(toaster).get("value").asText()).contains("TOASTER");
        assertThat(listed.get(garbled).get("reason").asText()).contains("is not JSON");
        assertThat(listed.get(future).get("reason").asText())
                .contains("unknown event type dev.arcfleet.registration.submitted.v9");
        for (var expected :
                List.of(Map.entry(toaster, toasterAt), Map.entry(garbled, garbledAt), Map.entry(future, futureAt))) {
            JsonNode r = listed.get(expected.getKey());
            assertThat(r.get("originalTopic").asText()).isEqualTo(Topics.REGISTRATIONS);
            assertThat(r.get("originalPartition").asInt())
                    .isEqualTo(expected.getValue().partition());
            assertThat(r.get("originalOffset").asLong())
                    .isEqualTo(expected.getValue().offset());
            assertThat(r.get("redriven").asBoolean()).isFalse();
            assertThat(r.get("eventId").asText()).isNotBlank();
        }

        // re-driven before its cause is mended, a poison record is dead-lettered again, saying where it came from
        JsonNode first = listed.get(toaster);
        String origin = DLQ + "/" + first.get("partition").asInt() + "/"
                + first.get("offset").asLong();
        assertThat(json(
                                post(
                                        "/api/v1/ops/dead-letters/redrive",
                                        "{\"topic\": \"" + DLQ + "\", \"records\": [{\"partition\": "
                                                + first.get("partition").asInt() + ", \"offset\": "
                                                + first.get("offset").asLong() + "}]}"),
                                200)
                        .get("redriven")
                        .asInt())
                .isEqualTo(1);
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    JsonNode page = json(
                            given().get("/api/v1/ops/dead-letters?topic=" + DLQ + "&from=" + from + "&limit=500"), 200);
                    assertThat(page.get("records"))
                            .filteredOn(r -> toaster.equals(r.path("key").asText()))
                            .anySatisfy(r -> {
                                assertThat(r.get("redrivenFrom").asText()).isEqualTo(origin);
                                assertThat(r.get("reason").asText()).contains("deviceClass");
                                assertThat(r.get("redriven").asBoolean()).isFalse();
                            })
                            .anySatisfy(r -> {
                                assertThat(r.get("offset").asLong())
                                        .isEqualTo(first.get("offset").asLong());
                                assertThat(r.get("redriven").asBoolean()).isTrue();
                                assertThat(r.get("redrivenFrom").isNull()).isTrue();
                            });
                });

        Map<TopicPartition, Long> begin = kafka.offsets(DLQ, OffsetSpec.earliest());
        Map<TopicPartition, Long> end = kafka.offsets(DLQ, OffsetSpec.latest());
        long held = end.keySet().stream()
                .mapToLong(tp -> end.get(tp) - begin.get(tp))
                .sum();
        JsonNode summary = json(given().get("/api/v1/ops/dead-letters/summary"), 200);
        assertThat(summary).hasSize(Topics.MAIN.size());
        JsonNode registrations = find(summary, "topic", DLQ);
        assertThat(registrations.get("originalTopic").asText()).isEqualTo(Topics.REGISTRATIONS);
        assertThat(registrations.get("exists").asBoolean()).isTrue();
        assertThat(registrations.get("records").asLong()).isEqualTo(held).isGreaterThanOrEqualTo(3);
    }

    @Test
    void reDrivesAMendedRegistrationOnceAndTheNodeIsRegistered() throws Exception {
        String deviceId = "ops-redriven-" + UUID.randomUUID();
        String eventId = UUID.randomUUID().toString();
        // as if it had failed while the database was away, before consumers waited for it
        ProducerRecord<String, String> deadLetter = new ProducerRecord<>(DLQ, deviceId, """
                {"deviceId": "%s", "hostname": "cp-1", "site": "ghent", "osImage": "Talos (v1.8.2)",
                 "osRelease": {"ID": "talos", "VERSION_ID": "v1.8.2"}, "cluster": {"id": "ghent-ops"}}""".formatted(deviceId));
        header(deadLetter, EventTypes.CE_ID, eventId);
        header(deadLetter, EventTypes.CE_TYPE, EventTypes.REGISTRATION_SUBMITTED);
        header(deadLetter, EventTypes.CE_CORRELATION_ID, "corr-" + eventId);
        header(deadLetter, "dead-letter-reason", "storing registrations failed: the database is unavailable");
        header(deadLetter, "dead-letter-cause", "java.sql.SQLTransientConnectionException: connection refused");
        header(deadLetter, "dead-letter-topic", Topics.REGISTRATIONS);
        header(deadLetter, "dead-letter-partition", "1");
        header(deadLetter, "dead-letter-offset", "4242");
        RecordMetadata at = kafka.send(deadLetter);
        String origin = DLQ + "/" + at.partition() + "/" + at.offset();
        given().get("/api/v1/nodes/" + deviceId).then().statusCode(404);

        String body = "{\"topic\": \"" + DLQ + "\", \"records\": [{\"partition\": " + at.partition() + ", \"offset\": "
                + at.offset() + "}, {\"partition\": " + at.partition() + ", \"offset\": 999999999}]}";
        JsonNode first =
                json(given().contentType(ContentType.JSON).body(body).post("/api/v1/ops/dead-letters/redrive"), 200);
        assertThat(first.get("redriven").asInt()).isEqualTo(1);
        assertThat(first.get("alreadyRedriven").asInt()).isZero();
        assertThat(first.get("notFound").asInt()).isEqualTo(1);
        assertThat(first.at("/records/0/status").asText()).isEqualTo("REDRIVEN");
        assertThat(first.at("/records/0/targetTopic").asText()).isEqualTo(Topics.REGISTRATIONS);
        assertThat(first.at("/records/1/status").asText()).isEqualTo("NOT_FOUND");

        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(json(given().get("/api/v1/nodes/" + deviceId), 200)
                                .at("/os/family")
                                .asText())
                        .isEqualTo("talos"));
        JsonNode listed = json(
                given().get("/api/v1/ops/dead-letters?topic=" + DLQ + "&partition=" + at.partition() + "&from="
                        + at.offset() + "&limit=1"),
                200);
        assertThat(listed.at("/records/0/key").asText()).isEqualTo(deviceId);
        assertThat(listed.at("/records/0/redriven").asBoolean()).isTrue();

        JsonNode second =
                json(given().contentType(ContentType.JSON).body(body).post("/api/v1/ops/dead-letters/redrive"), 200);
        assertThat(second.get("redriven").asInt()).isZero();
        assertThat(second.get("alreadyRedriven").asInt()).isEqualTo(1);
        assertThat(second.at("/records/0/status").asText()).isEqualTo("ALREADY_REDRIVEN");

        // both answers came after the broker's acknowledgement: whatever they sent is on the topic by now
        List<ConsumerRecord<String, String>> copies = kafka.readAll(Topics.REGISTRATIONS).stream()
                .filter(r -> origin.equals(header(r, "redriven-from")))
                .toList();
        assertThat(copies).singleElement().satisfies(copy -> {
            assertThat(copy.key()).isEqualTo(deviceId);
            assertThat(copy.value()).isEqualTo(deadLetter.value());
            assertThat(header(copy, EventTypes.CE_ID)).isEqualTo(eventId);
            assertThat(header(copy, EventTypes.CE_CORRELATION_ID)).isEqualTo("corr-" + eventId);
            assertThat(Arrays.stream(copy.headers().toArray()).map(Header::key))
                    .noneMatch(k -> k.startsWith("dead-letter-"));
        });
        assertThat(find(json(given().get("/api/v1/ops/dead-letters/summary"), 200), "topic", DLQ)
                        .get("redriven")
                        .asLong())
                .isGreaterThanOrEqualTo(1);
    }

    private static Response post(String path, String body) {
        return given().contentType(ContentType.JSON).body(body).post(path);
    }

    private static JsonNode json(Response response, int status) throws Exception {
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(status);
        return JSON.readTree(response.asString());
    }

    private static JsonNode find(JsonNode array, String field, String value) {
        return StreamSupport.stream(array.spliterator(), false)
                .filter(n -> value.equals(n.path(field).asText()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + field + "=" + value + " in " + array));
    }
}
