package dev.arcfleet.inventory.registrations;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arcfleet.contracts.EventTypes;
import dev.arcfleet.contracts.Topics;
import dev.arcfleet.testsupport.FleetInfraResource;
import dev.arcfleet.testsupport.ServiceKafkaTest;
import dev.arcfleet.testsupport.hostile.HostileRequests;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * Records on {@code fleet.registrations}, on the real broker, that the REST-style field checks once let through but
 * the schema could not hold (issue 19, "one record stops all Kafka registrations"): a {@code ce_id} longer than the
 * processed-event column, an os-release {@code VERSION_ID} longer than {@code node.os_version}, a NUL in a hostname.
 * Each must go to {@code fleet.registrations.dlq} alone, with its reason; the good records of the same batch are stored
 * and the channel keeps consuming.
 */
@QuarkusTest
@QuarkusTestResource(
        value = FleetInfraResource.class,
        initArgs = @ResourceArg(name = "database", value = "inventory_hostile"))
class HostileRegistrationRecordsTest extends ServiceKafkaTest {
    static final long SEED = 20261202L;
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @Inject
    DataSource dataSource;

    @Test
    void aBatchWithRecordsTheSchemaCannotHoldStoresTheGoodOnesAndDeadLettersEachBadOneAlone() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        ConsumerTask<String, String> dlq = kafka.consumeStrings().fromTopics(Topics.deadLetter(Topics.REGISTRATIONS));
        List<String> good = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            good.add("good-" + run + "-" + i);
        }
        String longId = "long-ce-id-" + run;
        String longVersion = "long-version-" + run;
        String nulHost = "nul-hostname-" + run;
        String ctrlId = "ctrl-ce-id-" + run;
        String nulLabel = "nul-label-" + run;

        ProducerRecord<String, String> longIdRecord = record(longId, registration(longId));
        longIdRecord.headers().add(EventTypes.CE_ID, "x".repeat(300).getBytes(StandardCharsets.UTF_8));
        longIdRecord
                .headers()
                .add(EventTypes.CE_TYPE, EventTypes.REGISTRATION_SUBMITTED.getBytes(StandardCharsets.UTF_8));
        ObjectNode version = registration(longVersion);
        ((ObjectNode) version.get("osRelease")).put("VERSION_ID", "1." + "9".repeat(500));
        ObjectNode host = registration(nulHost);
        host.put("hostname", "worker\u0000one");
        ProducerRecord<String, String> ctrlIdRecord = record(ctrlId, registration(ctrlId));
        ctrlIdRecord
                .headers()
                .add(EventTypes.CE_ID, ("id-" + run + "\r\nforged: yes").getBytes(StandardCharsets.UTF_8));
        ObjectNode label = registration(nulLabel);
        ((ObjectNode) label.get("labels")).put("zone", "a\u0000b");

        // one produce call: the records reach the consumer in one batch (or a few), bad ones between good ones
        kafka.produceStrings()
                .fromRecords(
                        record(good.get(0), registration(good.get(0))), longIdRecord,
                        record(good.get(1), registration(good.get(1))), record(longVersion, version),
                        record(good.get(2), registration(good.get(2))), record(nulHost, host),
                        record(good.get(3), registration(good.get(3))), ctrlIdRecord,
                        record(good.get(4), registration(good.get(4))), record(nulLabel, label))
                .awaitCompletion();

        Map<String, String> reasons = Map.of(
                longId,
                "ce_id",
                longVersion,
                "os.version",
                nulHost,
                "hostname",
                ctrlId,
                "ce_id",
                nulLabel,
                "labels.zone");
        await().atMost(Duration.ofSeconds(45)).untilAsserted(() -> {
            for (String id : good.subList(0, 5)) {
                given().get("/api/v1/nodes/" + id).then().statusCode(200).body("os.family", equalTo("talos"));
            }
            reasons.forEach((key, reason) -> assertThat(dlq.getRecords())
                    .as("dead letter of " + key)
                    .filteredOn(r -> key.equals(r.key()))
                    .singleElement()
                    .satisfies(r -> assertThat(header(r, "dead-letter-reason")).contains(reason)));
        });
        for (String key : reasons.keySet()) {
            given().get("/api/v1/nodes/" + key).then().statusCode(404);
        }
        // the forged header's line break is escaped in the reason (and the log line): no forged line follows it
        assertThat(dlq.getRecords())
                .filteredOn(r -> ctrlId.equals(r.key()))
                .singleElement()
                .satisfies(r -> assertThat(header(r, "dead-letter-reason"))
                        .contains("\\u000d\\u000aforged")
                        .doesNotContain("\r")
                        .doesNotContain("\n"));
        assertThat(dlq.getRecords())
                .as("good registrations are never dead-lettered")
                .noneMatch(r -> r.key() != null && r.key().startsWith("good-" + run));
        given().get("/q/health/ready").then().statusCode(200);

        // the channel is still consuming: a later record is stored
        kafka.produceStrings()
                .fromRecords(record(good.get(5), registration(good.get(5))))
                .awaitCompletion();
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () -> given().get("/api/v1/nodes/" + good.get(5)).then().statusCode(200));
        dlq.close();
    }

    /**
     * A value PostgreSQL refuses that no check of ours knows of (here a trigger on the real database, standing for a
     * constraint added later): the batch that carries it fails on its data, the consumer stores the records one by one,
     * and only the one that fails alone is dead-lettered, with PostgreSQL's reason.
     */
    @Test
    void aRecordTheDatabaseRefusesForItsOwnReasonsIsFoundAndDeadLetteredAlone() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        ConsumerTask<String, String> dlq = kafka.consumeStrings().fromTopics(Topics.deadLetter(Topics.REGISTRATIONS));
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            s.execute("""
                    create or replace function refuse_tripwire() returns trigger language plpgsql as $$
                    begin
                      if new.hostname like 'tripwire-%' then
                        raise exception 'hostname % is refused by a constraint', new.hostname using errcode = '22023';
                      end if;
                      return new;
                    end $$""");
            s.execute("drop trigger if exists node_tripwire on node");
            s.execute(
                    "create trigger node_tripwire before insert or update on node for each row execute function refuse_tripwire()");
        }
        try {
            String before = "before-" + run;
            String tripped = "tripped-" + run;
            String after = "after-" + run;
            ObjectNode trip = registration(tripped);
            trip.put("hostname", "tripwire-" + run);
            kafka.produceStrings()
                    .fromRecords(
                            record(before, registration(before)),
                            record(tripped, trip),
                            record(after, registration(after)))
                    .awaitCompletion();

            await().atMost(Duration.ofSeconds(45)).untilAsserted(() -> {
                given().get("/api/v1/nodes/" + before).then().statusCode(200);
                given().get("/api/v1/nodes/" + after).then().statusCode(200);
                assertThat(dlq.getRecords())
                        .filteredOn(r -> tripped.equals(r.key()))
                        .singleElement()
                        .satisfies(r -> assertThat(header(r, "dead-letter-reason"))
                                .contains("could not be stored")
                                .contains("refused by a constraint"));
            });
            given().get("/api/v1/nodes/" + tripped).then().statusCode(404);
            assertThat(dlq.getRecords()).noneMatch(r -> before.equals(r.key()) || after.equals(r.key()));
            given().get("/q/health/ready").then().statusCode(200);
        } finally {
            try (Connection c = dataSource.getConnection();
                    Statement s = c.createStatement()) {
                s.execute("drop trigger if exists node_tripwire on node");
            }
            dlq.close();
        }
    }

    /**
     * A seeded barrage like the REST one, on the consumer: mutated registrations (wrong kinds, huge values, NUL and
     * bidi characters, odd keys) and hostile CloudEvents headers, between good records. Every record ends either
     * stored or dead-lettered (never both, never neither), every good one is stored, and the channel stays ready.
     */
    @Test
    void aSeededBarrageOfHostileRecordsNeverStopsTheChannel() {
        HostileRequests hostile = new HostileRequests(SEED);
        String run = UUID.randomUUID().toString().substring(0, 8);
        ConsumerTask<String, String> dlq = kafka.consumeStrings().fromTopics(Topics.deadLetter(Topics.REGISTRATIONS));
        List<ProducerRecord<String, String>> records = new ArrayList<>();
        Map<String, String> deviceIdByKey = new HashMap<>();
        Set<String> goodKeys = new HashSet<>();
        for (int i = 0; i < 300; i++) {
            String key = "barrage-" + run + "-" + i;
            ObjectNode registration = registration(key);
            JsonNode value = i % 3 == 0 ? registration : hostile.mutate(registration);
            if (i % 3 == 0) {
                goodKeys.add(key);
            }
            JsonNode deviceId = value.get("deviceId");
            deviceIdByKey.put(key, deviceId != null && deviceId.isTextual() ? deviceId.asText() : null);
            ProducerRecord<String, String> record = record(key, (ObjectNode) value);
            if (i % 3 != 0) {
                switch (hostile.random().nextInt(5)) {
                    case 0 ->
                        record.headers()
                                .add(
                                        EventTypes.CE_ID,
                                        "y"
                                                .repeat(201 + hostile.random().nextInt(5000))
                                                .getBytes(StandardCharsets.UTF_8));
                    case 1 -> record.headers().add(EventTypes.CE_ID, ("\u0000" + key).getBytes(StandardCharsets.UTF_8));
                    case 2 ->
                        record.headers()
                                .add(
                                        EventTypes.CE_CORRELATION_ID,
                                        "c".repeat(10_000).getBytes(StandardCharsets.UTF_8));
                    case 3 ->
                        record.headers()
                                .add(EventTypes.CE_TYPE, "t".repeat(3000).getBytes(StandardCharsets.UTF_8));
                    default -> {
                        // the body alone
                    }
                }
            }
            records.add(record);
        }
        kafka.produceStrings().fromRecords(records).awaitCompletion();

        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofSeconds(2))
                .untilAsserted(() -> {
                    Set<String> deadLettered = new HashSet<>();
                    dlq.getRecords().stream()
                            .map(ConsumerRecord::key)
                            .filter(k -> k != null && k.startsWith("barrage-" + run + "-"))
                            .forEach(k -> assertThat(deadLettered.add(k))
                                    .as("dead-lettered once: " + k)
                                    .isTrue());
                    for (ProducerRecord<String, String> record : records) {
                        String key = record.key();
                        String deviceId = deviceIdByKey.get(key);
                        boolean stored = deviceId != null
                                && deviceId.matches("[A-Za-z0-9._:/-]{1,253}")
                                && given().get("/api/v1/nodes/" + deviceId)
                                                .then()
                                                .extract()
                                                .statusCode()
                                        == 200;
                        if (goodKeys.contains(key)) {
                            assertThat(stored).as("good record stored: " + key).isTrue();
                        }
                        assertThat(stored ^ deadLettered.contains(key))
                                .as("either stored or dead-lettered: " + key)
                                .isTrue();
                    }
                });
        given().get("/q/health/ready").then().statusCode(200);
        dlq.close();
    }

    static ObjectNode registration(String deviceId) {
        ObjectNode r = NODES.objectNode();
        r.put("deviceId", deviceId);
        r.put("hostname", "h-" + deviceId.length());
        r.put("site", "ghent");
        r.put("deviceClass", "SERVER");
        r.put("osImage", "Talos (v1.8.2)");
        r.putObject("osRelease").put("ID", "talos").put("VERSION_ID", "v1.8.2");
        r.putObject("host")
                .put("architecture", "amd64")
                .put("cpuCores", 4)
                .put("memoryMiB", 8192)
                .put("readOnlyUsr", true);
        r.putObject("labels").put("zone", "a");
        return r;
    }

    static ProducerRecord<String, String> record(String key, ObjectNode value) {
        return new ProducerRecord<>(Topics.REGISTRATIONS, key, value.toString());
    }

    static String header(ConsumerRecord<String, String> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
