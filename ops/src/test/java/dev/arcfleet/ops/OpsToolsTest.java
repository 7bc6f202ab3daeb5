package dev.arcfleet.ops;

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
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operator tools on a real broker and database, in a small application of their own: dead letters listed with
 * their reasons and re-driven once, a stopped consumer group replayed (a group with members refused), and the
 * executions that need attention. inventory-service's {@code RegistrationDeadLettersTest} re-drives a registration
 * through its consumer.
 */
@QuarkusTest
@QuarkusTestResource(value = FleetInfraResource.class, initArgs = @ResourceArg(name = "database", value = "ops"))
class OpsToolsTest {
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
    void listsDeadLettersWithWhyAndWhereFromAndCountsThemPerTopic() throws Exception {
        String dlq = Topics.deadLetter(Topics.NODES);
        String key = "ops-listed-" + UUID.randomUUID();
        ProducerRecord<String, String> deadLetter = new ProducerRecord<>(dlq, key, "{\"nodeId\": \"" + key + "\"}");
        header(deadLetter, EventTypes.CE_ID, "e-" + key);
        header(deadLetter, "dead-letter-reason", "unknown event type dev.arcfleet.node.facts.v9");
        header(deadLetter, "dead-letter-topic", Topics.NODES);
        header(deadLetter, "dead-letter-partition", "2");
        header(deadLetter, "dead-letter-offset", "77");
        RecordMetadata at = kafka.send(deadLetter);

        JsonNode page = json(
                given().get("/api/v1/ops/dead-letters?topic=" + dlq + "&partition=" + at.partition() + "&from="
                        + at.offset() + "&limit=1"),
                200);
        assertThat(page.get("records")).hasSize(1);
        JsonNode r = page.get("records").get(0);
        assertThat(r.get("key").asText()).isEqualTo(key);
        assertThat(r.get("offset").asLong()).isEqualTo(at.offset());
        assertThat(r.get("reason").asText()).isEqualTo("unknown event type dev.arcfleet.node.facts.v9");
        assertThat(r.get("originalTopic").asText()).isEqualTo(Topics.NODES);
        assertThat(r.get("originalPartition").asInt()).isEqualTo(2);
        assertThat(r.get("originalOffset").asLong()).isEqualTo(77);
        assertThat(r.get("eventId").asText()).isEqualTo("e-" + key);
        assertThat(r.get("redriven").asBoolean()).isFalse();

        Map<TopicPartition, Long> begin = kafka.offsets(dlq, OffsetSpec.earliest());
        Map<TopicPartition, Long> end = kafka.offsets(dlq, OffsetSpec.latest());
        long held = end.keySet().stream()
                .mapToLong(tp -> end.get(tp) - begin.get(tp))
                .sum();
        JsonNode summary = json(given().get("/api/v1/ops/dead-letters/summary"), 200);
        assertThat(summary).hasSize(Topics.MAIN.size());
        JsonNode nodes = find(summary, "topic", dlq);
        assertThat(nodes.get("originalTopic").asText()).isEqualTo(Topics.NODES);
        assertThat(nodes.get("exists").asBoolean()).isTrue();
        assertThat(nodes.get("records").asLong()).isEqualTo(held).isGreaterThanOrEqualTo(1);
    }

    @Test
    void servesTheExecutionsThatNeedAttentionFromTheProjectionItIsGiven() throws Exception {
        JsonNode all = json(given().get("/api/v1/executions/attention"), 200);
        assertThat(all.get("items")).hasSize(2);
        assertThat(all.at("/items/0/planId").asText()).isEqualTo("plan-failed");
        assertThat(all.at("/items/0/state").asText()).isEqualTo("FAILED");
        assertThat(all.at("/items/0/detail").asText()).isEqualTo("run az provider register");
        assertThat(all.at("/items/0/nodes").asLong()).isEqualTo(3);
        assertThat(all.at("/items/0/sampleNodeId").asText()).isEqualTo("node-a");
        assertThat(all.at("/items/0/updatedAt").asText()).startsWith("2026-11-25T10:00");
        assertThat(all.at("/items/1/lastType").asText()).isEqualTo("RETRYING");

        JsonNode one = json(given().get("/api/v1/executions/attention?limit=1"), 200);
        assertThat(one.get("items")).hasSize(1);
        given().get("/api/v1/executions/attention?limit=0")
                .then()
                .statusCode(400)
                .body("errors.field", org.hamcrest.Matchers.hasItem("limit"));
        given().get("/api/v1/executions/attention?limit=501")
                .then()
                .statusCode(400)
                .body("errors.field", org.hamcrest.Matchers.hasItem("limit"));
    }

    /** A dead-letter topic only this test writes to, whose original topic nobody here consumes. */
    @Test
    void reDrivesAWholeTopicOnceAndRefusesARecordNamingATopicNobodyConsumes() throws Exception {
        String dlq = Topics.deadLetter(Topics.PLANS_IOT_OPERATIONS);
        String run = UUID.randomUUID().toString();
        List<RecordMetadata> plans = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ProducerRecord<String, String> plan =
                    new ProducerRecord<>(dlq, "cluster-" + run, "{\"planId\": \"" + run + "-" + i + "\"}");
            header(plan, EventTypes.CE_ID, run + "-" + i);
            header(plan, "dead-letter-reason", "unknown event type dev.arcfleet.plan.created.v2");
            header(plan, "dead-letter-topic", Topics.PLANS_IOT_OPERATIONS);
            plans.add(kafka.send(plan));
        }
        ProducerRecord<String, String> stray = new ProducerRecord<>(dlq, "stray-" + run, "{}");
        header(stray, "dead-letter-topic", "fleet.secrets");
        RecordMetadata strayAt = kafka.send(stray);
        Map<TopicPartition, Long> begin = kafka.offsets(dlq, OffsetSpec.earliest());
        Map<TopicPartition, Long> end = kafka.offsets(dlq, OffsetSpec.latest());
        long held = end.keySet().stream()
                .mapToLong(tp -> end.get(tp) - begin.get(tp))
                .sum();

        JsonNode first =
                json(post("/api/v1/ops/dead-letters/redrive", "{\"topic\": \"" + dlq + "\", \"all\": true}"), 200);
        assertThat(first.get("records")).hasSize((int) held);
        assertThat(first.get("redriven").asLong()
                        + first.get("alreadyRedriven").asLong()
                        + first.get("refused").asLong())
                .isEqualTo(held);
        Map<String, JsonNode> outcome = new HashMap<>();
        first.get("records")
                .forEach(r -> outcome.put(
                        r.get("partition").asInt() + "/" + r.get("offset").asLong(), r));
        for (RecordMetadata plan : plans) {
            JsonNode item = outcome.get(plan.partition() + "/" + plan.offset());
            assertThat(item.get("status").asText()).isEqualTo("REDRIVEN");
            assertThat(item.get("targetTopic").asText()).isEqualTo(Topics.PLANS_IOT_OPERATIONS);
        }
        JsonNode refused = outcome.get(strayAt.partition() + "/" + strayAt.offset());
        assertThat(refused.get("status").asText()).isEqualTo("REFUSED");
        assertThat(refused.get("reason").asText()).contains("fleet.secrets");

        JsonNode again =
                json(post("/api/v1/ops/dead-letters/redrive", "{\"topic\": \"" + dlq + "\", \"all\": true}"), 200);
        assertThat(again.get("redriven").asLong()).isZero();
        assertThat(again.get("alreadyRedriven").asLong())
                .isEqualTo(first.get("redriven").asLong()
                        + first.get("alreadyRedriven").asLong());

        List<ConsumerRecord<String, String>> copies = kafka.readAll(Topics.PLANS_IOT_OPERATIONS);
        for (RecordMetadata plan : plans) {
            String origin = dlq + "/" + plan.partition() + "/" + plan.offset();
            assertThat(copies)
                    .filteredOn(r -> origin.equals(header(r, "redriven-from")))
                    .hasSize(1);
        }
        assertThat(copies).noneMatch(r -> ("stray-" + run).equals(r.key()));
    }

    @Test
    void refusesBadRequestsWithOneMessagePerField() {
        assertFields(
                post(
                        "/api/v1/ops/dead-letters/redrive",
                        "{\"topic\": \"fleet.registrations\", \"records\": {\"partition\": 0}}"),
                "topic",
                "records");
        assertFields(
                post(
                        "/api/v1/ops/dead-letters/redrive",
                        "{\"topic\": \"" + DLQ + "\", \"records\": [{\"partition\": 0, \"offset\": -1},"
                                + " {\"partition\": -1, \"offset\": 0}]}"),
                "records[0].offset",
                "records[1].partition");
        assertFields(
                post(
                        "/api/v1/ops/dead-letters/redrive",
                        "{\"topic\": \"" + DLQ + "\", \"all\": true, \"records\": [{\"partition\": 0,"
                                + " \"offset\": 0}]}"),
                "all");
        assertFields(post("/api/v1/ops/dead-letters/redrive", "{\"topic\": \"" + DLQ + "\"}"), "records");
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 1001; i++) {
            many.append(i == 0 ? "" : ",")
                    .append("{\"partition\": 0, \"offset\": ")
                    .append(i)
                    .append('}');
        }
        Response tooMany =
                post("/api/v1/ops/dead-letters/redrive", "{\"topic\": \"" + DLQ + "\", \"records\": [" + many + "]}");
        assertFields(tooMany, "records");
        assertThat(tooMany.jsonPath().getString("message")).contains("at most 1000");

        assertFields(given().get("/api/v1/ops/dead-letters?topic=fleet.nodes"), "topic");
        assertFields(given().get("/api/v1/ops/dead-letters?topic=" + DLQ + "&limit=501&from=-3"), "from", "limit");
        assertFields(given().get("/api/v1/ops/dead-letters?topic=" + DLQ + "&partition=99"), "partition");

        assertFields(
                post(
                        "/api/v1/ops/consumer-groups/someone-else/replay",
                        "{\"topic\": \"fleet.nodes\", \"from\": \"beginning\"}"),
                "group");
        assertFields(
                post(
                        "/api/v1/ops/consumer-groups/planner/replay",
                        "{\"topic\": \"onboarding.status\", \"from\": \"last tuesday\"}"),
                "topic",
                "from");
        assertFields(given().get("/api/v1/ops/consumer-groups?service=dashboard"), "service");
    }

    @Test
    void listsTheServicesGroupsWithTheTopicEachReads() throws Exception {
        JsonNode planner = json(given().get("/api/v1/ops/consumer-groups?service=planner"), 200);
        assertThat(planner).hasSize(2);
        assertThat(find(planner, "group", "planner").get("topic").asText()).isEqualTo(Topics.NODES);
        assertThat(find(planner, "group", "planner-status").get("topic").asText())
                .isEqualTo(Topics.STATUS);
        assertThat(json(given().get("/api/v1/ops/consumer-groups"), 200)).hasSize(ConsumerGroupCatalog.ALL.size());
    }

    /** The planner's group: no planner runs here, so it is a group nobody consumes in. */
    @Test
    void replaysAStoppedGroupFromTheBeginningFromAnInstantAndFromPastTheEnd() throws Exception {
        Instant marked = Instant.now().plus(10, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.MILLIS);
        Map<TopicPartition, Long> markers = new HashMap<>();
        for (TopicPartition tp :
                kafka.offsets(Topics.NODES, OffsetSpec.latest()).keySet()) {
            RecordMetadata m = kafka.send(new ProducerRecord<>(
                    Topics.NODES, tp.partition(), marked.toEpochMilli(), "ops-replay-marker", "{}"));
            markers.put(tp, m.offset());
        }
        Map<TopicPartition, Long> beginning = kafka.offsets(Topics.NODES, OffsetSpec.earliest());
        Map<TopicPartition, Long> end = kafka.offsets(Topics.NODES, OffsetSpec.latest());
        commit("planner", end);

        JsonNode fromBeginning = json(
                post(
                        "/api/v1/ops/consumer-groups/planner/replay",
                        "{\"topic\": \"fleet.nodes\", \"from\": \"beginning\"}"),
                200);
        assertThat(fromBeginning.get("replayedFrom").asText()).isEqualTo("beginning");
        assertThat(byPartition(fromBeginning, "from")).isEqualTo(byPartitionNumber(end));
        assertThat(byPartition(fromBeginning, "to")).isEqualTo(byPartitionNumber(beginning));
        assertThat(committed("planner")).isEqualTo(beginning);

        JsonNode fromInstant = json(
                post(
                        "/api/v1/ops/consumer-groups/planner/replay",
                        "{\"topic\": \"fleet.nodes\", \"from\": \"" + marked + "\"}"),
                200);
        assertThat(byPartition(fromInstant, "from")).isEqualTo(byPartitionNumber(beginning));
        assertThat(byPartition(fromInstant, "to")).isEqualTo(byPartitionNumber(markers));
        assertThat(committed("planner")).isEqualTo(markers);

        Map<TopicPartition, Long> endBefore = kafka.offsets(Topics.NODES, OffsetSpec.latest());
        JsonNode pastTheEnd = json(
                post(
                        "/api/v1/ops/consumer-groups/planner/replay",
                        "{\"topic\": \"fleet.nodes\", \"from\": \"" + marked.plus(10, ChronoUnit.MINUTES) + "\"}"),
                200);
        Map<TopicPartition, Long> endAfter = kafka.offsets(Topics.NODES, OffsetSpec.latest());
        Map<TopicPartition, Long> committed = committed("planner");
        for (TopicPartition tp : endBefore.keySet()) {
            assertThat(committed.get(tp)).isBetween(endBefore.get(tp), endAfter.get(tp));
            assertThat(byPartition(pastTheEnd, "to").get(tp.partition())).isEqualTo(committed.get(tp));
        }
    }

    @Test
    void refusesAGroupWithAnActiveMemberAndAGroupThatNeverConsumed() throws Exception {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG,
                "planner-status",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "latest");
        try (KafkaConsumer<String, String> member =
                new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            member.subscribe(List.of(Topics.STATUS));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                member.poll(Duration.ofMillis(100));
                return !member.assignment().isEmpty();
            });
            Map<TopicPartition, Long> before = committed("planner-status");
            Response refused = post(
                    "/api/v1/ops/consumer-groups/planner-status/replay",
                    "{\"topic\": \"onboarding.status\", \"from\": \"beginning\"}");
            assertThat(refused.statusCode()).as(refused.asString()).isEqualTo(409);
            assertThat(refused.jsonPath().getString("message"))
                    .contains("planner-status has 1 active member")
                    .contains("Stop planner-service's consumers first")
                    .contains("bin/fleet-local replay planner");
            assertThat(committed("planner-status")).isEqualTo(before);
        }

        Response unknown = post(
                "/api/v1/ops/consumer-groups/executor-iot-operations/replay",
                "{\"topic\": \"onboarding.plans.iot-operations\", \"from\": \"beginning\"}");
        assertThat(unknown.statusCode()).as(unknown.asString()).isEqualTo(404);
        assertThat(unknown.jsonPath().getString("message"))
                .contains("no committed offsets on onboarding.plans.iot-operations");
    }

    private static Response post(String path, String body) {
        return given().contentType(ContentType.JSON).body(body).post(path);
    }

    private static void assertFields(Response response, String... fields) {
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(400);
        assertThat(response.jsonPath().getList("errors.field", String.class)).containsExactly(fields);
        assertThat(response.jsonPath().getList("errors.message", String.class))
                .allSatisfy(m -> assertThat(m).isNotBlank());
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

    private static Map<Integer, Long> byPartition(JsonNode replay, String field) {
        Map<Integer, Long> offsets = new HashMap<>();
        replay.get("partitions")
                .forEach(p -> offsets.put(
                        p.get("partition").asInt(),
                        p.get(field).isNull() ? null : p.get(field).asLong()));
        return offsets;
    }

    private static Map<Integer, Long> byPartitionNumber(Map<TopicPartition, Long> offsets) {
        Map<Integer, Long> byNumber = new HashMap<>();
        offsets.forEach((tp, o) -> byNumber.put(tp.partition(), o));
        return byNumber;
    }

    private Map<TopicPartition, Long> committed(String group) throws Exception {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        kafka.admin()
                .listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get(30, TimeUnit.SECONDS)
                .forEach((tp, o) -> offsets.put(tp, o.offset()));
        return offsets;
    }

    /** Commits {@code offsets} for {@code group} the way a stopped service left them: no member stays behind. */
    private void commit(String group, Map<TopicPartition, Long> offsets) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG,
                group,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false);
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> commit = new HashMap<>();
            offsets.forEach((tp, o) -> commit.put(tp, new org.apache.kafka.clients.consumer.OffsetAndMetadata(o)));
            consumer.assign(offsets.keySet());
            consumer.commitSync(commit, Duration.ofSeconds(30));
        }
    }
}
