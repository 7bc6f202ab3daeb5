package dev.arcfleet.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arcfleet.contracts.Capability;
import dev.arcfleet.contracts.OnboardingPlan;
import dev.arcfleet.contracts.Route;
import dev.arcfleet.contracts.Target;
import dev.arcfleet.contracts.TargetKind;
import dev.arcfleet.local.stack.ServiceProcess;
import dev.arcfleet.testsupport.arm.ArmEmulator;
import dev.arcfleet.testsupport.kube.FleetSimulator;
import dev.arcfleet.testsupport.kube.MockClusters;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The executor in live mode, killed with SIGKILL twice while plans are in flight against the ARM emulator and the
 * clusters: after restarts every plan ends SUCCEEDED, and no ARM resource and no VM was created twice. Then every plan
 * is offboarded and the executor killed once more mid-way: after the restart every offboarding ends SUCCEEDED, each
 * connected cluster and machine was deleted once, and nothing of them is left in ARM or in the clusters.
 */
class ExecutorCrashIT {
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
        Map<String, String> env = LiveExecutors.env(arm, clusters, dir, "executor_crash", SUBSCRIPTION, run);
        LiveExecutors.createTopics();

        List<OnboardingPlan> plans = new ArrayList<>();
        for (String cluster : clusterIds) {
            plans.add(LiveExecutors.plan(
                    Route.ARC_K8S,
                    new Target(TargetKind.CLUSTER, cluster),
                    List.of(Capability.MONITOR, Capability.GITOPS),
                    Map.of("distribution", "talos"),
                    "crash-test"));
            String node = cluster + "/worker-1";
            plans.add(LiveExecutors.plan(
                    Route.COMPANION_VM,
                    new Target(TargetKind.NODE, node),
                    List.of(Capability.EXTENSIONS),
                    Map.of("clusterId", cluster, "hostNode", "worker-1"),
                    "crash-test"));
        }

        ServiceProcess executor = executor(env);
        LiveExecutors.publish(plans);
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
                        JsonNode view = LiveExecutors.execution(last, plan.planId());
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
            assertThat(LiveExecutors.execution(last, plan.planId())
                            .path("revisions")
                            .size())
                    .isEqualTo(1);
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
        LiveExecutors.publish(offboardings);
        await().atMost(Duration.ofSeconds(90)).until(() -> deletes(arm, connected) + deletes(arm, machines) >= 3);
        last.kill();
        int deletesAtKill = deletes(arm, connected) + deletes(arm, machines);
        ServiceProcess restarted = executor(env);
        await().atMost(Duration.ofSeconds(240))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> {
                    for (OnboardingPlan plan : offboardings) {
                        JsonNode view = LiveExecutors.execution(restarted, plan.planId());
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
        return keep(LiveExecutors.start(env));
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
