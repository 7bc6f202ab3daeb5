package dev.arcfleet.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arcfleet.contracts.ConsumerGroups;
import dev.arcfleet.contracts.Topics;
import dev.arcfleet.local.stack.ServiceProcess;
import dev.arcfleet.testsupport.LocalAdminToken;
import dev.arcfleet.testsupport.LocalKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RemoveMembersFromConsumerGroupOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Approvals and a rollout survive a planner killed with SIGKILL, on the packaged services (executor in dry-run with a
 * rehearsed failure): under a MANUAL policy an operator approves a site (held for a rollout of 3 batches), approves
 * one plan elsewhere and rejects another. Batch 1 succeeds, the rehearsed failure in batch 2 suspends the rollout; then
 * the planner is killed, its consumer group on {@code fleet.nodes} reset to the beginning (a replay), and it is started
 * again. The rollout is still SUSPENDED at batch 2 with the same counts and releases nothing; the approval, the
 * rejection and the plan still awaiting approval are as they were; resuming completes the rollout; and every plan
 * revision went out on the plan topic once, the rejected and the waiting plan never.
 */
class RolloutRestartIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final int WAVE = 12;

    Pipeline pipeline;

    @AfterEach
    void stop() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    void approvalsAndASuspendedRolloutSurviveAPlannerKilledAndAReplay() throws Exception {
        String run = "rr" + UUID.randomUUID().toString().substring(0, 6);
        String site = run + "-waves";
        String other = run + "-other";
        List<String> wave = IntStream.range(0, WAVE)
                .mapToObj(i -> "%s-w%02d".formatted(run, i))
                .toList();
        String failing = wave.get(5); // in batch 2
        String approved = run + "-ok";
        String rejected = run + "-no";
        String waiting = run + "-wait";

        Path dir = Files.createTempDirectory("rollout-restart");
        Path policy = Files.writeString(
                dir.resolve("manual.json"), "{\"version\": \"rollout-restart\", \"approval\": {\"rules\": []}}");
        pipeline = Pipeline.start(
                "rollrestart",
                Map.of(
                        "planner",
                        Map.of("FLEET_POLICY_FILE", policy.toString(), "PLANNER_ROLLOUTS_TICK", "1s"),
                        "executor",
                        Map.of(
                                "EXECUTOR_DRY_RUN_FAIL_TARGETS",
                                Pattern.quote(failing),
                                "EXECUTOR_DRY_RUN_FAIL_REASON",
                                "rehearsed for the restart test")));

        List<String> devices = new ArrayList<>();
        wave.forEach(c -> devices.add(talos(c, site)));
        List.of(approved, rejected, waiting).forEach(c -> devices.add(talos(c, other)));
        HttpResponse<String> registered =
                send("POST", pipeline.inventory(), "/api/v1/registrations", "[" + String.join(",", devices) + "]");
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);

        // MANUAL: every plan waits for an operator, on no plan topic
        Map<String, String> planIds = new HashMap<>();
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    JsonNode plans = plans("AWAITING_APPROVAL", null);
                    for (JsonNode p : plans.path("plans")) {
                        planIds.put(
                                p.at("/target/id").asText(), p.path("planId").asText());
                    }
                    assertThat(planIds.keySet()).containsAll(wave).contains(approved, rejected, waiting);
                });
        assertThat(released(run)).isEmpty();

        JsonNode created = json(
                send("POST", pipeline.planner(), "/api/v1/rollouts", """
                {"name": "restart waves", "selector": {"site": "%s"},
                 "batches": [{"count": 4, "selector": {"clusterIds": %s}}, {"count": 4, "selector": {"clusterIds": %s}}],
                 "successThreshold": 100, "soakSeconds": 0, "progressDeadlineSeconds": 600, "maxConcurrent": 4}
                """.formatted(
                                site, quoted(wave.subList(0, 4)), quoted(wave.subList(4, 8)))),
                201);
        String rollout = created.path("rolloutId").asText();
        assertThat(created.path("batchCount").asInt()).isEqualTo(3);

        assertThat(json(send("POST", pipeline.planner(), "/api/v1/plans/approve", "{\"site\": \"" + site + "\"}"), 200)
                        .path("approved")
                        .asInt())
                .isEqualTo(WAVE);
        assertThat(json(
                                send(
                                        "POST",
                                        pipeline.planner(),
                                        "/api/v1/plans/" + planIds.get(approved) + "/approve",
                                        ""),
                                200)
                        .path("state")
                        .asText())
                .isEqualTo("PUBLISHED");
        assertThat(json(
                                send(
                                        "POST",
                                        pipeline.planner(),
                                        "/api/v1/plans/" + planIds.get(rejected) + "/reject",
                                        "{\"reason\": \"not before the audit\"}"),
                                200)
                        .path("state")
                        .asText())
                .isEqualTo("REJECTED");

        // batch 1 succeeds; the rehearsed failure suspends the rollout at batch 2 once its running executions finish
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    JsonNode r = rollout(rollout);
                    assertThat(r.path("state").asText()).as(r.toString()).isEqualTo("SUSPENDED");
                    assertThat(r.path("currentBatch").asInt()).isEqualTo(2);
                    assertThat(r.at("/current/running").asInt()).isZero();
                    assertThat(r.at("/current/succeeded").asInt()).isEqualTo(3);
                });
        JsonNode before = rollout(rollout);
        assertThat(before.at("/batches/0/succeeded").asInt()).isEqualTo(4);
        assertThat(before.at("/current/failed").asInt()).isEqualTo(1);
        assertThat(before.at("/current/failures/0/planId").asText()).isEqualTo(planIds.get(failing));
        assertThat(before.at("/current/failures/0/reason").asText()).contains("rehearsed for the restart test");
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(released(run)).hasSize(9));

        // SIGKILL, then a replay of fleet.nodes from the beginning when it starts again
        pipeline.planner().kill();
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, LocalKafka.bootstrapServers()))) {
            // the killed member would hold its partitions until its session times out (45 s): remove it as an
            // operator would, so the new planner gets them at once
            for (String group : List.of(ConsumerGroups.PLANNER, ConsumerGroups.PLANNER_STATUS)) {
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
                    admin.removeMembersFromConsumerGroup(group, new RemoveMembersFromConsumerGroupOptions())
                            .all()
                            .get();
                    return admin.describeConsumerGroups(List.of(group))
                            .all()
                            .get()
                            .get(group)
                            .members()
                            .isEmpty();
                });
            }
            Map<TopicPartition, Long> nodesEnd = endOffsets(admin, Topics.NODES);
            Map<TopicPartition, OffsetAndMetadata> beginning =
                    nodesEnd.keySet().stream().collect(Collectors.toMap(tp -> tp, tp -> new OffsetAndMetadata(0)));
            await().atMost(Duration.ofSeconds(30))
                    .ignoreExceptions()
                    .untilAsserted(() -> admin.alterConsumerGroupOffsets(ConsumerGroups.PLANNER, beginning)
                            .all()
                            .get());
            ServiceProcess restarted = ServiceProcess.start(
                            pipeline.root, "planner-service", pipeline.env.get("planner"), pipeline.logs)
                    .awaitReady(Duration.ofSeconds(90));
            pipeline.services.set(1, restarted);
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() ->
                            assertThat(committed(admin, nodesEnd.keySet())).isEqualTo(nodesEnd));
        }

        // where it was: SUSPENDED at batch 2, the same counts and failure, nothing more released
        await().during(Duration.ofSeconds(3))
                .atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(released(run)).hasSize(9));
        JsonNode after = rollout(rollout);
        assertThat(after.path("state").asText()).isEqualTo("SUSPENDED");
        assertThat(after.path("currentBatch").asInt()).isEqualTo(2);
        assertThat(after.path("reason").asText())
                .isEqualTo(before.path("reason").asText());
        assertThat(after.path("batches")).isEqualTo(before.path("batches"));
        // the approval, the rejection and the plan awaiting approval are as they were
        JsonNode ok = plan(planIds.get(approved));
        assertThat(ok.path("state").asText()).isEqualTo("PUBLISHED");
        assertThat(ok.at("/approval/decision").asText()).isEqualTo("APPROVED");
        JsonNode no = plan(planIds.get(rejected));
        assertThat(no.path("state").asText()).isEqualTo("REJECTED");
        assertThat(no.at("/approval/reason").asText()).isEqualTo("not before the audit");
        assertThat(plan(planIds.get(waiting)).path("state").asText()).isEqualTo("AWAITING_APPROVAL");
        assertThat(plans("AWAITING_APPROVAL", other).path("count").asInt()).isEqualTo(1);
        assertThat(plans("AWAITING_APPROVAL", site).path("count").asInt()).isZero();
        assertThat(plans("AWAITING_ROLLOUT", site).path("count").asInt()).isEqualTo(4);

        // resumed after the restart, the rollout completes with its last batch
        JsonNode resumed = json(send("POST", pipeline.planner(), "/api/v1/rollouts/" + rollout + "/resume", ""), 200);
        assertThat(resumed.path("state").asText()).isEqualTo("ACTIVE");
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    JsonNode r = rollout(rollout);
                    assertThat(r.path("state").asText()).as(r.toString()).isEqualTo("COMPLETED");
                    assertThat(r.path("currentBatch").asInt()).isEqualTo(3);
                    assertThat(r.at("/batches/2/succeeded").asInt()).isEqualTo(4);
                });

        // every plan revision went out once; the rejected and the waiting plan never
        Map<String, Long> perRevision = released(run).stream()
                .map(r -> tree(r.value()))
                .collect(Collectors.groupingBy(
                        p -> p.path("planId").asText() + "@"
                                + p.path("revision").asText(),
                        Collectors.counting()));
        assertThat(perRevision)
                .hasSize(WAVE + 1)
                .allSatisfy((revision, n) -> assertThat(n).as(revision).isEqualTo(1L));
        List<String> targets = released(run).stream().map(ConsumerRecord::key).toList();
        assertThat(targets).containsAll(wave).contains(approved).doesNotContain(rejected, waiting);
        System.out.printf(
                "rollout restart: SUSPENDED at batch 2 before and after a SIGKILL and a replay, COMPLETED after resume;"
                        + " %d plan revisions each released once%n",
                perRevision.size());
    }

    private static String talos(String cluster, String site) {
        return """
                {"deviceId": "%s/talos-cp-1", "hostname": "talos-cp-1", "site": "%s", "deviceClass": "SERVER",
                 "osImage": "Talos (v1.8.2)", "kernelVersion": "6.6.58-talos",
                 "host": {"architecture": "amd64", "cpuCores": 4, "memoryMiB": 8192, "readOnlyUsr": true,
                          "packageManager": "none"},
                 "cluster": {"id": "%s", "distribution": "talos"}}""".formatted(cluster, site, cluster);
    }

    private static String quoted(List<String> ids) {
        return ids.stream().map(id -> "\"" + id + "\"").collect(Collectors.joining(", ", "[", "]"));
    }

    /** The records on the ARC_K8S plan topic whose target belongs to this run, from the beginning. */
    private static List<ConsumerRecord<String, String>> released(String run) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, LocalKafka.bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.PLANS_ARC_K8S).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records.stream()
                .filter(r -> r.key() != null && r.key().startsWith(run + "-"))
                .toList();
    }

    private static Map<TopicPartition, Long> endOffsets(Admin admin, String topic) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        admin.describeTopics(List.of(topic))
                .allTopicNames()
                .get()
                .get(topic)
                .partitions()
                .forEach(p -> request.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        return admin.listOffsets(request).all().get().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    private static Map<TopicPartition, Long> committed(Admin admin, java.util.Set<TopicPartition> partitions)
            throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(ConsumerGroups.PLANNER)
                .partitionsToOffsetAndMetadata()
                .get();
        return partitions.stream()
                .collect(Collectors.toMap(
                        tp -> tp,
                        tp -> offsets.get(tp) == null ? 0L : offsets.get(tp).offset()));
    }

    private JsonNode rollout(String id) throws Exception {
        return json(send("GET", pipeline.planner(), "/api/v1/rollouts/" + id, null), 200);
    }

    private JsonNode plan(String planId) throws Exception {
        return json(send("GET", pipeline.planner(), "/api/v1/plans/" + planId, null), 200);
    }

    private JsonNode plans(String state, String site) throws Exception {
        String query = "?state=" + state + "&limit=500" + (site == null ? "" : "&site=" + site);
        return json(send("GET", pipeline.planner(), "/api/v1/plans" + query, null), 200);
    }

    private static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static JsonNode json(HttpResponse<String> response, int status) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return JSON.readTree(response.body());
    }

    private static HttpResponse<String> send(String method, ServiceProcess service, String path, String body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(service.baseUrl() + path))
                .header("Authorization", LocalAdminToken.header());
        if (body == null) {
            request.GET();
        } else if (body.isEmpty()) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
