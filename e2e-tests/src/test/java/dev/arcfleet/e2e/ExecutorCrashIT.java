package dev.arcfleet.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.arcfleet.contracts.Capability;
import dev.arcfleet.contracts.OnboardingPlan;
import dev.arcfleet.contracts.Route;
import dev.arcfleet.contracts.Target;
import dev.arcfleet.contracts.TargetKind;
import dev.arcfleet.contracts.Topics;
import dev.arcfleet.local.stack.ServiceProcess;
import dev.arcfleet.testsupport.LocalKafka;
import dev.arcfleet.testsupport.PlanRecords;
import dev.arcfleet.testsupport.arm.ArmEmulator;
import dev.arcfleet.testsupport.arm.LiveExecutorEnvironment;
import dev.arcfleet.testsupport.kube.FleetSimulator;
import dev.arcfleet.testsupport.kube.MockClusters;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The executor in live mode, killed with SIGKILL twice while plans are in flight against the ARM emulator and the
 * clusters: after restarts every plan ends SUCCEEDED, and no ARM resource and no VM was created twice. Then every plan
 * is offboarded and the executor killed once more mid-way: after the restart every offboarding ends SUCCEEDED, each
 * connected cluster and machine was deleted once, and nothing of them is left in ARM or in the clusters.
 */
class ExecutorCrashIT {
    static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final String SUBSCRIPTION = "3b6e9c1d-7a44-4f0e-8d2c-5e1f0a9b7c63";
    static final int CLUSTERS = 10;

    final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    @Test
    void killedMidOnboardingAndMidOffboardingNothingIsDoneTwiceOrLeftBehind() throws Exception {
        String run = "crash" + UUID.randomUUID().toString().substring(0, 6);
        Path dir = Files.createTempDirectory("executor-crash");
        List<String> clusterIds =
                IntStream.range(0, CLUSTERS).mapToObj(i -> run + "-" + i).toList();
        ArmEmulator arm = keep(new ArmEmulator(200, 10, Duration.ofMillis(1500)).start());
        MockClusters clusters = keep(MockClusters.start(dir.resolve("kubeconfigs"), clusterIds));
        clusterIds.forEach(cluster -> clusters.addNode(cluster, "worker-1"));
        FleetSimulator simulator = keep(new FleetSimulator(arm, clusters).start());
        Map<String, String> env = env(arm, clusters, dir, run);
        LocalKafka.createTopics(List.of(
                Topics.PLANS_ARC_K8S,
                Topics.PLANS_COMPANION_VM,
                Topics.PLANS_IOT_OPERATIONS,
                Topics.STATUS,
                Topics.deadLetter(Topics.PLANS_ARC_K8S),
                Topics.deadLetter(Topics.PLANS_COMPANION_VM),
                Topics.deadLetter(Topics.PLANS_IOT_OPERATIONS)));

        List<OnboardingPlan> plans = new ArrayList<>();
        for (String cluster : clusterIds) {
            plans.add(plan(
                    Route.ARC_K8S,
                    new Target(TargetKind.CLUSTER, cluster),
                    List.of(Capability.MONITOR, Capability.GITOPS),
                    Map.of("distribution", "talos")));
            String node = cluster + "/worker-1";
            plans.add(plan(
                    Route.COMPANION_VM,
                    new Target(TargetKind.NODE, node),
                    List.of(Capability.EXTENSIONS),
                    Map.of("clusterId", cluster, "hostNode", "worker-1")));
        }

        ServiceProcess executor = executor(env);
        publish(plans);
        // Kill once some steps are done and others are mid-way (PUTs sent, provisioning under way)...
        await().atMost(Duration.ofSeconds(90)).until(() -> arm.writes() >= 8);
        executor.kill();
        int writesAtFirstKill = arm.writes();
        executor = executor(env);
        // ...and again later on.
        await().atMost(Duration.ofSeconds(90)).until(() -> arm.writes() >= writesAtFirstKill + 10);
        executor.kill();
        int writesAtSecondKill = arm.writes();
        executor = executor(env);

        ServiceProcess last = executor;
        await().atMost(Duration.ofSeconds(240))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> {
                    for (OnboardingPlan plan : plans) {
                        JsonNode view = execution(last, plan.planId());
                        assertThat(view.path("state").asText())
                                .as(plan.target().id() + ": " + view + "\nsimulator: " + simulator.problems())
                                .isEqualTo("SUCCEEDED");
                    }
                });
        Map<String, Integer> created = new HashMap<>();
        arm.creations().forEach((id, n) -> {
            if (id.contains(run)) {
                created.put(id, n);
            }
        });
        // the resource group and the monitoring workspace, and per cluster the connected cluster, 2 extensions, and
        // container insights' data collection rule and its association; per node none from the executor (the
        // companion's machine registers itself)
        assertThat(created)
                .hasSize(2 + CLUSTERS * 5)
                .allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1));
        for (String cluster : clusterIds) {
            String vm = vmName(cluster + "/worker-1");
            assertThat(simulator.vmStarts(vm)).as(vm).isEqualTo(1);
            assertThat(arm.resource("/subscriptions/" + SUBSCRIPTION + "/resourceGroups/" + run
                            + "/providers/Microsoft.HybridCompute/machines/" + vm))
                    .isPresent();
        }
        for (OnboardingPlan plan : plans) {
            assertThat(execution(last, plan.planId()).path("revisions").size()).isEqualTo(1);
        }
        // one agent key per cluster: a key regenerated after a crash would no longer match the connected cluster's
        assertThat(simulator.problems()).isEmpty();
        long repeatedPuts =
                created.keySet().stream().mapToInt(arm::puts).filter(n -> n > 1).count();
        System.out.printf(
                "executor crash: %d plans SUCCEEDED after 2 SIGKILLs (at %d and %d ARM writes; %d in all), "
                        + "%d resources each created once, %d of them PUT again after a kill%n",
                plans.size(), writesAtFirstKill, writesAtSecondKill, arm.writes(), created.size(), repeatedPuts);

        // Offboarding, with a kill once some DELETEs have gone out.
        List<String> connected = created.keySet().stream()
                .filter(id -> id.matches("(?i).*/providers/Microsoft.Kubernetes/connectedClusters/[^/]+"))
                .toList();
        assertThat(connected).hasSize(CLUSTERS);
        List<String> machines = new ArrayList<>();
        for (String cluster : clusterIds) {
            machines.add("/subscriptions/" + SUBSCRIPTION + "/resourceGroups/" + run
                    + "/providers/Microsoft.HybridCompute/machines/" + vmName(cluster + "/worker-1"));
        }
        List<OnboardingPlan> offboardings = plans.stream()
                .map(plan -> plan.toOffboard(UUID.randomUUID().toString(), "r1-offboard", Instant.now()))
                .toList();
        publish(offboardings);
        await().atMost(Duration.ofSeconds(90)).until(() -> deletes(arm, connected) + deletes(arm, machines) >= 3);
        last.kill();
        int deletesAtKill = deletes(arm, connected) + deletes(arm, machines);
        ServiceProcess restarted = executor(env);
        await().atMost(Duration.ofSeconds(240))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> {
                    for (OnboardingPlan plan : offboardings) {
                        JsonNode view = execution(restarted, plan.planId());
                        assertThat(view.path("action").asText())
                                .as(plan.target().id() + ": " + view)
                                .isEqualTo("OFFBOARD");
                        assertThat(view.path("state").asText())
                                .as(plan.target().id() + ": " + view)
                                .isEqualTo("SUCCEEDED");
                    }
                });
        for (String id : connected) {
            assertThat(arm.resource(id)).as(id).isEmpty();
            assertThat(arm.deletes(id)).as("DELETEs of " + id).isEqualTo(1);
        }
        for (String id : machines) {
            assertThat(arm.resource(id)).as(id).isEmpty();
            assertThat(arm.deletes(id)).as("DELETEs of " + id).isEqualTo(1);
        }
        assertThat(arm.resourceIds("(?i).*/resourceGroups/" + run + "/providers/Microsoft.Kubernetes/.*"))
                .isEmpty();
        for (String cluster : clusterIds) {
            var client = clusters.client(cluster);
            assertThat(client.namespaces().withName("azure-arc").get())
                    .as(cluster + " azure-arc")
                    .isNull();
            assertThat(client.genericKubernetesResources(MockClusters.VIRTUAL_MACHINES)
                            .inAnyNamespace()
                            .list()
                            .getItems())
                    .as(cluster + " virtual machines")
                    .isEmpty();
            String vm = vmName(cluster + "/worker-1");
            assertThat(simulator.vmStarts(vm)).as(vm + " not started again").isEqualTo(1);
        }
        System.out.printf(
                "executor crash: %d offboardings SUCCEEDED after a SIGKILL at %d DELETEs; %d connected "
                        + "clusters and %d machines each deleted once, nothing left%n",
                offboardings.size(), deletesAtKill, connected.size(), machines.size());
    }

    private static int deletes(ArmEmulator arm, List<String> ids) {
        return ids.stream().mapToInt(arm::deletes).sum();
    }

    private <T extends AutoCloseable> T keep(T resource) {
        resources.add(resource);
        return resource;
    }

    private ServiceProcess executor(Map<String, String> env) {
        Path root =
                Path.of(System.getProperty("fleet.root", "..")).toAbsolutePath().normalize();
        ServiceProcess p = ServiceProcess.start(root, "executor-service", env, Pipeline.logDir(root))
                .awaitReady(Duration.ofSeconds(90));
        resources.add(p);
        return p;
    }

    private static Map<String, String> env(ArmEmulator arm, MockClusters clusters, Path dir, String run)
            throws Exception {
        Path token = Files.writeString(dir.resolve("arm-token"), "crash-token-" + UUID.randomUUID());
        Path principal = Files.writeString(
                dir.resolve("principal.json"),
                "{\"tenantId\":\"t-1\",\"clientId\":\"c-1\"," + "\"clientSecret\":\"s-" + UUID.randomUUID() + "\"}");
        Map<String, String> env = LiveExecutorEnvironment.of(arm, clusters, "executor_crash", SUBSCRIPTION, run, token);
        env.put("EXECUTOR_WORKERS", "8");
        // a killed worker's lease must expire before another instance takes its execution over
        env.put("EXECUTOR_LEASE", "4s");
        env.put("EXECUTOR_AZURE_POLL_INTERVAL", "300ms");
        env.put("EXECUTOR_ONBOARDING_PRINCIPAL_FILE", principal.toString());
        return env;
    }

    private static OnboardingPlan plan(
            Route route, Target target, List<Capability> capabilities, Map<String, String> parameters) {
        return new OnboardingPlan(
                UUID.randomUUID().toString(),
                "corr-" + UUID.randomUUID(),
                Instant.now(),
                UUID.randomUUID().toString(),
                "r1",
                route,
                target,
                List.of(target.id()),
                capabilities,
                List.of(),
                null,
                "crash-test",
                parameters);
    }

    private static void publish(List<OnboardingPlan> plans) throws Exception {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                LocalKafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
            for (OnboardingPlan plan : plans) {
                String topic = plan.route() == Route.ARC_K8S ? Topics.PLANS_ARC_K8S : Topics.PLANS_COMPANION_VM;
                producer.send(PlanRecords.of(topic, plan, JSON.writeValueAsString(plan)))
                        .get();
            }
        }
    }

    private static JsonNode execution(ServiceProcess executor, String planId) throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(executor.baseUrl() + "/api/v1/executions/" + planId))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200
                ? JSON.readTree(r.body())
                : JSON.createObjectNode().put("status", r.statusCode());
    }

    /**
     * The companion VM's name for a node, as the executor derives it: "arc-" and the node id with '/' mapped to '-',
     * and since mapping changed the id, "-" and the first 8 hex digits of the SHA-256 of "arc-" + node id.
     */
    private static String vmName(String nodeId) throws java.security.NoSuchAlgorithmException {
        String id = "arc-" + nodeId;
        byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                .digest(id.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return id.replace('/', '-') + "-" + java.util.HexFormat.of().formatHex(digest, 0, 4);
    }
}
