package dev.arcfleet.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arcfleet.contracts.Topics;
import dev.arcfleet.local.stack.ServiceProcess;
import dev.arcfleet.testsupport.LocalAdminToken;
import dev.arcfleet.testsupport.LocalKafka;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The three packaged services as separate processes on a real KRaft broker and real PostgreSQL: registrations in over
 * REST, decisions by the planner, dry-run executions, and the node states the inventory shows at the end.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FleetPipelineIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static Pipeline pipeline;
    static List<ServiceProcess> SERVICES;
    static ServiceProcess inventory;
    static Map<String, Map<String, String>> ENV;
    static Path root;
    static Path logs;

    @BeforeAll
    static void startPipeline() {
        pipeline = Pipeline.start("e2e");
        SERVICES = pipeline.services;
        ENV = pipeline.env;
        root = pipeline.root;
        logs = pipeline.logs;
        inventory = pipeline.inventory();
    }

    @AfterAll
    static void stopPipeline() {
        pipeline.close();
    }

    @Test
    @Order(1)
    void registrationsFlowToTheirRoutesAndEndInTerminalStates() throws Exception {
        String fleet = """
                [
                  {"deviceId": "e2e-ghent/talos-cp-1", "hostname": "talos-cp-1", "site": "ghent", "deviceClass": "SERVER",
                   "osImage": "Talos (v1.8.2)", "kernelVersion": "6.6.58-talos",
                   "osRelease": {"ID": "talos", "NAME": "Talos", "VERSION_ID": "v1.8.2", "PRETTY_NAME": "Talos (v1.8.2)"},
                   "host": {"architecture": "amd64", "cpuCores": 4, "memoryMiB": 8192, "readOnlyUsr": true, "packageManager": "none"},
                   "cluster": {"id": "e2e-ghent", "distribution": "talos"}},
                  {"deviceId": "e2e-lyon-db-01", "hostname": "db-01", "site": "lyon", "deviceClass": "SERVER",
                   "osRelease": {"ID": "ubuntu", "VERSION_ID": "22.04", "PRETTY_NAME": "Ubuntu 22.04.4 LTS"},
                   "host": {"architecture": "x86_64", "cpuCores": 8, "memoryMiB": 32768, "readOnlyUsr": false, "packageManager": "apt"}},
                  {"deviceId": "e2e-porto-sensor-9", "hostname": "sensor-9", "site": "porto", "deviceClass": "SERVER",
                   "osImage": "Flatcar Container Linux by Kinvolk 3975.2.1 (Oklo)",
                   "osRelease": {"ID": "flatcar", "ID_LIKE": "coreos", "VERSION_ID": "3975.2.1"},
                   "host": {"architecture": "amd64", "cpuCores": 2, "memoryMiB": 4096, "readOnlyUsr": true, "packageManager": "none"}}
                ]""";
        HttpResponse<String> response = post("/api/v1/registrations", fleet);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).get("accepted").asInt()).isEqualTo(3);

        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    JsonNode talos = node("e2e-ghent/talos-cp-1");
                    assertThat(talos.at("/onboarding/route").asText()).isEqualTo("ARC_K8S");
                    assertThat(talos.at("/onboarding/target/id").asText()).isEqualTo("e2e-ghent");
                    assertThat(talos.at("/onboarding/state").asText())
                            .as(talos.toString())
                            .isEqualTo("SUCCEEDED");
                    JsonNode ubuntu = node("e2e-lyon-db-01");
                    assertThat(ubuntu.at("/onboarding/route").asText()).isEqualTo("DIRECT_AGENT");
                    assertThat(ubuntu.at("/onboarding/state").asText()).isEqualTo("PLANNED");
                    JsonNode flatcar = node("e2e-porto-sensor-9");
                    assertThat(flatcar.at("/onboarding/route").asText()).isEqualTo("BLOCKED");
                    assertThat(flatcar.at("/onboarding/state").asText()).isEqualTo("BLOCKED");
                    assertThat(flatcar.at("/onboarding/reasons").toString()).contains("NO_KUBERNETES");
                });
        JsonNode talos = node("e2e-ghent/talos-cp-1");
        assertThat(talos.at("/os/family").asText()).isEqualTo("talos");
        assertThat(talos.at("/os/mutability").asText()).isEqualTo("IMMUTABLE");
        assertThat(talos.at("/onboarding/planId").asText()).isNotBlank();
    }

    /**
     * Replay as operators do it: stop the planner, reset its consumer group on {@code fleet.nodes} to the beginning,
     * start it again. It re-reads every node and publishes no plan and no status event.
     */
    @Test
    @Order(2)
    void replayingFleetNodesFromTheBeginningPublishesNothingNew() throws Exception {
        List<String> outputs =
                List.of(Topics.STATUS, Topics.PLANS_ARC_K8S, Topics.PLANS_COMPANION_VM, Topics.PLANS_IOT_OPERATIONS);
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, LocalKafka.bootstrapServers()))) {
            long[] settled = {-1};
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofSeconds(2))
                    .until(() -> {
                        long now = total(endOffsets(admin, outputs));
                        boolean stable = now == settled[0];
                        settled[0] = now;
                        return stable;
                    });
            Map<TopicPartition, Long> before = endOffsets(admin, outputs);
            Map<TopicPartition, Long> nodesEnd = endOffsets(admin, List.of(Topics.NODES));
            assertThat(total(nodesEnd)).isPositive();

            ServiceProcess planner = SERVICES.get(1);
            planner.close();
            // the operator tool (what bin/fleet-local replay calls): refused with 409 until the group has no member
            AtomicReference<HttpResponse<String>> replay = new AtomicReference<>();
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> {
                        HttpResponse<String> answer = post(
                                "/api/v1/ops/consumer-groups/planner/replay",
                                "{\"topic\": \"fleet.nodes\", \"from\": \"beginning\"}");
                        replay.set(answer);
                        assertThat(answer.statusCode()).as(answer.body()).isIn(200, 409);
                        return answer.statusCode() == 200;
                    });
            assertThat(JSON.readTree(replay.get().body()).path("partitions").size())
                    .isEqualTo(nodesEnd.size());
            assertThat(total(committed(admin, nodesEnd.keySet()))).isZero();

            ServiceProcess restarted = ServiceProcess.start(root, "planner-service", ENV.get("planner"), logs)
                    .awaitReady(Duration.ofSeconds(90));
            SERVICES.set(1, restarted);
            await().atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofSeconds(1))
                    .untilAsserted(() ->
                            assertThat(committed(admin, nodesEnd.keySet())).isEqualTo(nodesEnd));
            await().during(Duration.ofSeconds(3))
                    .atMost(Duration.ofSeconds(6))
                    .untilAsserted(() -> assertThat(endOffsets(admin, outputs)).isEqualTo(before));
        }
    }

    /**
     * A policy change applied the way docs/operations.md says: restart the planner with the new policy file and replay
     * {@code fleet.nodes}. Only nodes whose judgement changes get a new status; the others keep theirs.
     */
    @Test
    @Order(3)
    void aNewPolicyAndAReplayDecideAgainAndChangeOnlyWhatThePolicyChanges() throws Exception {
        Path policy = logs.resolve("no-agents-in-lyon.json");
        java.nio.file.Files.writeString(policy, """
                {"version": "no-agents-in-lyon",
                 "routeRules": [{"name": "no agents in lyon", "site": "lyon", "deny": ["DIRECT_AGENT"]}]}""");
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, LocalKafka.bootstrapServers()))) {
            Map<TopicPartition, Long> nodesEnd = endOffsets(admin, List.of(Topics.NODES));
            SERVICES.get(1).close();
            Map<TopicPartition, OffsetAndMetadata> beginning =
                    nodesEnd.keySet().stream().collect(Collectors.toMap(tp -> tp, tp -> new OffsetAndMetadata(0)));
            await().atMost(Duration.ofSeconds(60))
                    .ignoreExceptions()
                    .untilAsserted(() -> admin.alterConsumerGroupOffsets("planner", beginning)
                            .all()
                            .get());
            Map<String, String> env = new HashMap<>(ENV.get("planner"));
            env.put("FLEET_POLICY_FILE", policy.toString());
            SERVICES.set(
                    1, ServiceProcess.start(root, "planner-service", env, logs).awaitReady(Duration.ofSeconds(90)));
        }
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    JsonNode ubuntu = node("e2e-lyon-db-01");
                    assertThat(ubuntu.at("/onboarding/route").asText()).isEqualTo("BLOCKED");
                    assertThat(ubuntu.at("/onboarding/reasons").toString()).contains("NO_KUBERNETES");
                });
        JsonNode talos = node("e2e-ghent/talos-cp-1");
        assertThat(talos.at("/onboarding/route").asText()).isEqualTo("ARC_K8S");
        assertThat(talos.at("/onboarding/state").asText()).isEqualTo("SUCCEEDED");
        assertThat(node("e2e-porto-sensor-9").at("/onboarding/state").asText()).isEqualTo("BLOCKED");
    }

    /** Tokens are inventory's: the executor asks it what a token grants before an operator action. */
    @Test
    @Order(4)
    void theExecutorAcceptsInventoryTokensByRoleAndRefusesTheRest() throws Exception {
        String operator = JSON.readTree(post("/api/v1/tokens", "{\"name\": \"e2e operator\", \"role\": \"operator\"}")
                        .body())
                .path("token")
                .asText();
        String reader = JSON.readTree(post("/api/v1/tokens", "{\"name\": \"e2e reader\", \"role\": \"reader\"}")
                        .body())
                .path("token")
                .asText();
        assertThat(operator).startsWith("afo_");
        assertThat(reader).startsWith("afo_");
        String retry = "/api/v1/executions/no-such-plan/retry";

        HttpResponse<String> asOperator = executorPost(retry, operator);
        assertThat(asOperator.statusCode()).as(asOperator.body()).isEqualTo(404);
        assertThat(asOperator.body()).contains("no execution for plan no-such-plan");
        HttpResponse<String> asAdmin = executorPost(retry, LocalAdminToken.TOKEN);
        assertThat(asAdmin.statusCode()).as(asAdmin.body()).isEqualTo(404);
        HttpResponse<String> asReader = executorPost(retry, reader);
        assertThat(asReader.statusCode()).as(asReader.body()).isEqualTo(403);
        HttpResponse<String> unknown = executorPost(retry, "afo_never-issued-by-inventory");
        assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(401);
        assertThat(unknown.body()).contains("unknown or revoked");
        HttpResponse<String> anonymous = executorPost(retry, null);
        assertThat(anonymous.statusCode()).as(anonymous.body()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(v -> assertThat(v).contains("Bearer"));
    }

    private HttpResponse<String> executorPost(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create(SERVICES.get(2).baseUrl() + path))
                .POST(HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Map<TopicPartition, Long> endOffsets(Admin admin, List<String> topics) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        admin.describeTopics(topics)
                .allTopicNames()
                .get()
                .forEach((name, d) -> d.partitions()
                        .forEach(p -> request.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> result =
                admin.listOffsets(request).all().get();
        return result.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    private static Map<TopicPartition, Long> committed(Admin admin, java.util.Set<TopicPartition> partitions)
            throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets("planner")
                .partitionsToOffsetAndMetadata()
                .get();
        return partitions.stream()
                .collect(Collectors.toMap(
                        tp -> tp,
                        tp -> offsets.get(tp) == null ? 0L : offsets.get(tp).offset()));
    }

    private static long total(Map<TopicPartition, Long> offsets) {
        return offsets.values().stream().mapToLong(Long::longValue).sum();
    }

    private JsonNode node(String nodeId) throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(inventory.baseUrl() + "/api/v1/nodes/"
                                + URLEncoder.encode(nodeId, StandardCharsets.UTF_8)
                                        .replace("%2F", "/")))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode())
                .as("GET node %s: %s", nodeId, response.body())
                .isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(inventory.baseUrl() + path))
                        .header("Content-Type", "application/json")
                        .header("Authorization", LocalAdminToken.header())
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
