package dev.arcfleet.executor.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.arcfleet.contracts.Capability;
import dev.arcfleet.contracts.OnboardingPlan;
import dev.arcfleet.contracts.Route;
import dev.arcfleet.contracts.StatusEvent;
import dev.arcfleet.contracts.StatusType;
import dev.arcfleet.contracts.Topics;
import dev.arcfleet.executor.route.arck8s.AgentKeys;
import dev.arcfleet.executor.route.companionvm.CompanionVmSteps;
import dev.arcfleet.testsupport.FleetInfraResource;
import dev.arcfleet.testsupport.arm.ArmEmulator;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Offboarding in live mode against the strict ARM emulator, one mock API server per cluster and the simulated agents:
 * each route onboarded, then offboarded in the order the Azure tools use with nothing left of what onboarding made; a
 * second offboarding that writes nothing; a refusal that deletes nothing; a crash mid-offboarding that resumes; and a
 * retired node's VM that the reconciler does not bring back.
 */
@QuarkusTest
@QuarkusTestResource(
        value = FleetInfraResource.class,
        initArgs = @ResourceArg(name = "database", value = "executor_offboard"))
@QuarkusTestResource(value = LiveAzureResource.class, restrictToAnnotatedClass = true)
class LiveOffboardingTest extends LiveExecutorTest {
    @Test
    void arcK8sIsOffboardedInTheCliOrderWithNothingLeftAndASecondOffboardingWritesNothing() throws Exception {
        ArmEmulator arm = fleet.arm();
        KubernetesClient cluster = fleet.clusters().client("off-arc");
        OnboardingPlan plan = clusterPlan(
                Route.ARC_K8S, "off-arc", List.of(Capability.POLICY, Capability.MONITOR, Capability.GITOPS));
        Map<String, Integer> before = arm.creations();
        send(Topics.PLANS_ARC_K8S, plan);
        assertThat(awaitFinished(plan.planId(), "ONBOARD").getString("state")).isEqualTo("SUCCEEDED");
        Set<String> built = createdSince(before);
        String cc = fleet.connectedClusterId("off-arc").toLowerCase(Locale.ROOT);
        assertThat(built)
                .contains(cc)
                .anyMatch(id -> id.contains("/extensions/flux"))
                .anyMatch(id -> id.contains("/datacollectionrules/msci-westeurope-off-arc"));
        assertThat(cluster.configMaps()
                        .inNamespace("azure-arc")
                        .withName("azure-clusterconfig")
                        .get())
                .isNotNull();
        int deletesBefore = arm.requests().size();

        OnboardingPlan off = plan.toOffboard(UUID.randomUUID().toString(), "r1-offboard", Instant.now());
        send(Topics.PLANS_ARC_K8S, off);
        JsonPath view = awaitFinished(plan.planId(), "OFFBOARD");
        assertThat(view.getString("state")).as(view.prettify()).isEqualTo("SUCCEEDED");

        // what onboarding made is gone, but for the resource group and the region's shared workspace
        assertThat(built.stream().filter(id -> arm.resource(id).isPresent()))
                .allMatch(id -> id.endsWith("/resourcegroups/" + LiveFleet.RESOURCE_GROUP.toLowerCase(Locale.ROOT))
                        || id.contains("/workspaces/"));
        assertThat(arm.resource(cc)).isEmpty();
        // in order: the extensions (each awaited), the rule association and rule, then the connected cluster
        List<String> deletes = deletesSince(arm, deletesBefore);
        assertThat(deletes)
                .containsExactly(
                        cc + "/providers/microsoft.kubernetesconfiguration/extensions/flux",
                        cc + "/providers/microsoft.kubernetesconfiguration/extensions/azuremonitor-containers",
                        cc + "/providers/microsoft.insights/datacollectionruleassociations/containerinsightsextension",
                        fleet.resourceGroupId().toLowerCase(Locale.ROOT)
                                + "/providers/microsoft.insights/datacollectionrules/msci-westeurope-off-arc",
                        cc + "/providers/microsoft.kubernetesconfiguration/extensions/azurepolicy",
                        cc);
        // then Helm's uninstall of the agents, by a Job whose rights are gone again, and the agents' namespaces
        assertThat(fleet.simulator().uninstalls("off-arc")).isEqualTo(1);
        assertThat(cluster.namespaces().withName("azure-arc").get()).isNull();
        assertThat(cluster.namespaces().withName("azure-arc-release").get()).isNull();
        assertThat(cluster.rbac()
                        .clusterRoleBindings()
                        .withName("arc-agent-installer")
                        .get())
                .isNull();
        assertThat(fleet.simulator().problems()).doesNotContainKey("off-arc");
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(types(plan.planId()))
                        .containsSubsequence(
                                StatusType.STARTED, StatusType.SUCCEEDED, StatusType.OFFBOARDING, StatusType.OFFBOARDED)
                        .endsWith(StatusType.OFFBOARDED));
        assertThat(events(plan.planId()).stream()
                        .filter(e -> e.type() == StatusType.STEP_SUCCEEDED)
                        .map(StatusEvent::step))
                .contains("delete-connected-cluster", "uninstall-arc-agents");

        // A second offboarding (a replay, say) finds everything gone and writes nothing, to Azure or to the cluster.
        int requestsBefore = arm.requests().size();
        int clusterWritesBefore = fleet.clusters().writes("off-arc");
        send(Topics.PLANS_ARC_K8S, plan.toOffboard(UUID.randomUUID().toString(), "r2-offboard", Instant.now()));
        await().atMost(Duration.ofSeconds(60))
                .until(() -> executionView(plan.planId()).getList("revisions").size() == 3
                        && "SUCCEEDED".equals(executionView(plan.planId()).getString("state")));
        assertThat(arm.requests().subList(requestsBefore, arm.requests().size()))
                .filteredOn(r -> r.path().toLowerCase(Locale.ROOT).contains("off-arc"))
                .allMatch(r -> "GET".equals(r.method()));
        assertThat(fleet.clusters().writes("off-arc")).isEqualTo(clusterWritesBefore);
        assertThat(executionView(plan.planId())
                        .getString(
                                "steps.find { it.name == 'delete-connected-cluster' }" + ".record.actions[0].result"))
                .isEqualTo("absent");
        assertThat(executionView(plan.planId()).getString("steps.find { it.name == 'uninstall-arc-agents' }.detail"))
                .contains("skipped")
                .contains("nothing to remove");
    }

    @Test
    void aClusterWhoseAgentsBelongToAnotherResourceIsRefusedAndNothingIsDeleted() throws Exception {
        ArmEmulator arm = fleet.arm();
        KubernetesClient cluster = fleet.clusters().client("off-elsewhere");
        connectedByTheCli(cluster, "plant-9-prod", AgentKeys.generate(), null);
        String cc = fleet.connectedClusterId("off-elsewhere");
        arm.seed(fleet.resourceGroupId(), Map.of("location", "westeurope"));
        arm.seed(cc, Map.of("location", "westeurope", "properties", Map.of("connectivityStatus", "Connected")));
        arm.seed(
                cc + "/providers/Microsoft.KubernetesConfiguration/extensions/flux",
                Map.of("properties", Map.of("extensionType", "microsoft.flux")));
        OnboardingPlan off = clusterPlan(Route.ARC_K8S, "off-elsewhere", List.of(Capability.GITOPS))
                .toOffboard(UUID.randomUUID().toString(), "r1-offboard", Instant.now());
        int clusterWrites = fleet.clusters().writes("off-elsewhere");
        send(Topics.PLANS_ARC_K8S, off);

        JsonPath view = awaitFinished(off.planId(), "OFFBOARD");
        assertThat(view.getString("state")).isEqualTo("FAILED");
        assertThat(view.getString("failureReason"))
                .contains("require-agents-of-this-cluster")
                .contains("does not correspond to the connected cluster resource specified")
                .contains("resource group name '" + LiveFleet.RESOURCE_GROUP + "' and resource name 'plant-9-prod'");
        assertThat(arm.deletes())
                .doesNotContainKeys(
                        cc.toLowerCase(Locale.ROOT),
                        (cc + "/providers/Microsoft.KubernetesConfiguration/extensions/flux").toLowerCase(Locale.ROOT));
        assertThat(arm.resource(cc)).isPresent();
        assertThat(fleet.clusters().writes("off-elsewhere")).isEqualTo(clusterWrites);
        assertThat(cluster.configMaps()
                        .inNamespace("azure-arc")
                        .withName("azure-clusterconfig")
                        .get())
                .isNotNull();
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(types(off.planId()))
                        .containsExactly(StatusType.OFFBOARDING, StatusType.OFFBOARD_FAILED));
    }

    @Test
    void aCompanionVmIsOffboardedExtensionsMachineThenVmAndTheReconcilerDoesNotBringItBack() throws Exception {
        ArmEmulator arm = fleet.arm();
        fleet.clusters().addNode("off-vm", "flatcar-2");
        KubernetesClient cluster = fleet.clusters().client("off-vm");
        OnboardingPlan plan = nodePlan("off-vm", "flatcar-2");
        String vm = CompanionVmSteps.vmName("off-vm/flatcar-2");
        String machine = fleet.resourceGroupId() + "/providers/Microsoft.HybridCompute/machines/" + vm;
        send(Topics.PLANS_COMPANION_VM, plan);
        assertThat(awaitFinished(plan.planId(), "ONBOARD").getString("state")).isEqualTo("SUCCEEDED");
        assertThat(fleet.simulator().vmStarts(vm)).isEqualTo(1);
        // an extension someone added to the machine (Defender for Servers, say): offboarding removes it first
        arm.seed(
                machine + "/extensions/MDE.Linux",
                Map.of(
                        "location",
                        "westeurope",
                        "properties",
                        Map.of("publisher", "Microsoft.Azure.AzureDefenderForServers", "type", "MDE.Linux")));
        int requestsBefore = arm.requests().size();

        send(Topics.PLANS_COMPANION_VM, plan.toOffboard(UUID.randomUUID().toString(), "r1-offboard", Instant.now()));
        JsonPath view = awaitFinished(plan.planId(), "OFFBOARD");
        assertThat(view.getString("state")).as(view.prettify()).isEqualTo("SUCCEEDED");
        assertThat(deletesSince(arm, requestsBefore))
                .containsExactly(
                        (machine + "/extensions/MDE.Linux").toLowerCase(Locale.ROOT), machine.toLowerCase(Locale.ROOT));
        assertThat(arm.resource(machine)).isEmpty();
        assertThat(arm.resource(machine + "/extensions/MDE.Linux")).isEmpty();
        assertThat(cluster.genericKubernetesResources("kubevirt.io/v1", "VirtualMachine")
                        .inNamespace("arc-companions")
                        .withName(vm)
                        .get())
                .isNull();
        assertThat(cluster.secrets().inNamespace("arc-companions").list().getItems())
                .noneMatch(s -> s.getMetadata().getName().startsWith(vm));

        // the reconciler runs every second: the retired node's VM stays gone and its onboarding is not reopened
        await().during(Duration.ofSeconds(4))
                .atMost(Duration.ofSeconds(6))
                .until(() -> cluster.genericKubernetesResources("kubevirt.io/v1", "VirtualMachine")
                                        .inNamespace("arc-companions")
                                        .withName(vm)
                                        .get()
                                == null
                        && arm.resource(machine).isEmpty());
        assertThat(fleet.simulator().vmStarts(vm)).isEqualTo(1);
        assertOneOnboardingThenOneOffboarding(plan.planId());
        assertThat(executionView(plan.planId()).getString("action")).isEqualTo("OFFBOARD");

        // offboarded again: the machine is gone (its extensions list is 404), nothing is written to Azure or the
        // cluster
        int requestsAgain = arm.requests().size();
        int clusterWrites = fleet.clusters().writes("off-vm");
        send(Topics.PLANS_COMPANION_VM, plan.toOffboard(UUID.randomUUID().toString(), "r2-offboard", Instant.now()));
        await().atMost(Duration.ofSeconds(60))
                .until(() -> executionView(plan.planId()).getList("revisions").size() == 3
                        && "SUCCEEDED".equals(executionView(plan.planId()).getString("state")));
        assertThat(arm.requests().subList(requestsAgain, arm.requests().size()))
                .filteredOn(r -> r.path().contains(vm))
                .isNotEmpty()
                .allMatch(r -> "GET".equals(r.method()));
        assertThat(fleet.clusters().writes("off-vm")).isEqualTo(clusterWrites);
    }

    @Test
    void iotOperationsIsOffboardedDeepestFirstWithNothingOfItLeft() throws Exception {
        ArmEmulator arm = fleet.arm();
        arm.seed(fleet.resourceGroupId(), Map.of("location", "westeurope"));
        String cc = fleet.connectedClusterId("off-iot");
        arm.seed(
                cc,
                Map.of(
                        "location",
                        "westeurope",
                        "identity",
                        Map.of("type", "SystemAssigned"),
                        "properties",
                        Map.of(
                                "connectivityStatus",
                                "Connected",
                                "distribution",
                                "k3s",
                                "oidcIssuerProfile",
                                Map.of("enabled", true),
                                "securityProfile",
                                Map.of("workloadIdentity", Map.of("enabled", true)))));
        OnboardingPlan plan = clusterPlan(Route.IOT_OPERATIONS, "off-iot", List.of(Capability.EDGE_DATA));
        Map<String, Integer> before = arm.creations();
        send(Topics.PLANS_IOT_OPERATIONS, plan);
        assertThat(awaitFinished(plan.planId(), "ONBOARD").getString("state")).isEqualTo("SUCCEEDED");
        Set<String> built = createdSince(before);
        assertThat(built).hasSizeGreaterThan(15);
        int requestsBefore = arm.requests().size();

        send(Topics.PLANS_IOT_OPERATIONS, plan.toOffboard(UUID.randomUUID().toString(), "r1-offboard", Instant.now()));
        JsonPath view = awaitFinished(plan.planId(), "OFFBOARD");
        assertThat(view.getString("state")).as(view.prettify()).isEqualTo("SUCCEEDED");
        assertThat(built.stream().filter(id -> arm.resource(id).isPresent())).isEmpty();
        assertThat(arm.resource(cc))
                .as("the connected cluster is the Arc route's")
                .isPresent();
        List<String> deletes = deletesSince(arm, requestsBefore);
        assertThat(deletes).containsExactlyInAnyOrderElementsOf(built);
        String instance = (fleet.resourceGroupId() + "/providers/Microsoft.IoTOperations/instances/off-iot-aio")
                .toLowerCase(Locale.ROOT);
        assertThat(deletes.indexOf(instance + "/brokers/default/listeners/default"))
                .isLessThan(deletes.indexOf(instance + "/brokers/default"));
        assertThat(deletes.indexOf(instance))
                .isGreaterThan(deletes.indexOf(instance + "/dataflowprofiles/default"))
                .isLessThan(indexEndingWith(deletes, "/customlocations/off-iot-cl"));
        assertThat(indexEndingWith(deletes, "/customlocations/off-iot-cl"))
                .isLessThan(indexEndingWith(deletes, "/extensions/azure-iot-operations"));
        assertThat(indexEndingWith(deletes, "/extensions/azure-iot-operations"))
                .isLessThan(indexEndingWith(deletes, "/extensions/azure-iot-operations-platform"));
        assertThat(indexEndingWith(deletes, "/extensions/azure-iot-operations-platform"))
                .isLessThan(indexEndingWith(deletes, "/schemaregistries/off-iot-schemas"));
    }

    /**
     * The executor dies while the connected cluster's DELETE runs, before it recorded the operation: the step is run
     * again from what the database holds, finds the resource Deleting, waits for it instead of sending a second DELETE,
     * and the offboarding completes.
     */
    @Test
    void anExecutorThatDiesMidOffboardingResumesFromThePersistedStepWithoutASecondDelete() throws Exception {
        ArmEmulator arm = fleet.arm();
        OnboardingPlan plan = clusterPlan(Route.ARC_K8S, "off-crash", List.of(Capability.GITOPS));
        send(Topics.PLANS_ARC_K8S, plan);
        assertThat(awaitFinished(plan.planId(), "ONBOARD").getString("state")).isEqualTo("SUCCEEDED");
        String cc = fleet.connectedClusterId("off-crash");
        // the connected cluster's DELETE runs long enough to be caught under way; the extension's before it does not
        arm.provisioningLatency(Pattern.quote(cc) + "$", Duration.ofSeconds(4));
        try {
            send(Topics.PLANS_ARC_K8S, plan.toOffboard(UUID.randomUUID().toString(), "r1-offboard", Instant.now()));
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> operationOf(plan.planId(), "delete-connected-cluster") != null);
            assertThat(arm.deletes(cc)).isEqualTo(1);
            // the crash: the operation is lost, the worker's lease is gone, and its late result no longer counts
            forgetOperation(plan.planId(), "delete-connected-cluster");

            JsonPath view = awaitFinished(plan.planId(), "OFFBOARD");
            assertThat(view.getString("state")).as(view.prettify()).isEqualTo("SUCCEEDED");
            assertThat(arm.deletes(cc)).as("DELETEs of the connected cluster").isEqualTo(1);
            assertThat(arm.resource(cc)).isEmpty();
            assertThat(fleet.clusters()
                            .client("off-crash")
                            .namespaces()
                            .withName("azure-arc")
                            .get())
                    .isNull();
        } finally {
            arm.provisioningLatency(LiveFleet.PROVISIONING);
        }
    }

    /**
     * An offboarding that arrives while the onboarding's PUT of the connected cluster is on its way (ARM answers it
     * after 2.5 s) ends the onboarding at once, but starts only once that PUT has returned: it then finds the connected
     * cluster and deletes it, and nothing is left behind.
     */
    @Test
    void anOffboardingWaitsForTheOnboardingsCallInFlightAndLeavesNothingBehind() throws Exception {
        String planId = offboardWhileThePutIsOnItsWay("off-inflight", plan -> {});
        assertThat(types(planId)).contains(StatusType.SUPERSEDED).endsWith(StatusType.OFFBOARDED);
    }

    /**
     * The same with an operator's cancel first: the onboarding is cancelled while its PUT of the connected cluster is
     * on its way, and the offboarding sent right after starts only once that PUT has returned.
     */
    @Test
    void anOffboardingAfterACancelWaitsForTheCancelledCallAndLeavesNothingBehind() throws Exception {
        offboardWhileThePutIsOnItsWay(
                "off-cancelled",
                plan -> RestAssured.given()
                        .contentType("application/json")
                        .body("{\"reason\": \"wrong cluster\"}")
                        .post("/api/v1/executions/" + plan.planId() + "/cancel")
                        .then()
                        .statusCode(200));
    }

    /**
     * Onboards {@code cluster} with its connected cluster's PUT answered after 2.5 s; once that PUT is on its way, does
     * {@code meanwhile} and sends the offboarding; asserts the offboarding succeeded and that, once the PUT has landed,
     * the connected cluster it made is gone, deleted once. Returns the plan id.
     */
    private String offboardWhileThePutIsOnItsWay(String cluster, Consumer<OnboardingPlan> meanwhile) throws Exception {
        ArmEmulator arm = fleet.arm();
        String cc = fleet.connectedClusterId(cluster);
        String path = "connectedClusters/" + cluster + "$";
        arm.stallNext("PUT", path, Duration.ofMillis(2500), 1);
        try {
            OnboardingPlan plan = clusterPlan(Route.ARC_K8S, cluster, List.of(Capability.GITOPS));
            send(Topics.PLANS_ARC_K8S, plan);
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> arm.requests().stream()
                            .anyMatch(r -> "PUT".equals(r.method())
                                    && r.path().toLowerCase(Locale.ROOT).endsWith("connectedclusters/" + cluster)));
            meanwhile.accept(plan);

            send(Topics.PLANS_ARC_K8S, plan.toOffboard(UUID.randomUUID().toString(), "r1-offboard", Instant.now()));
            JsonPath view = awaitFinished(plan.planId(), "OFFBOARD");
            assertThat(view.getString("state")).as(view.prettify()).isEqualTo("SUCCEEDED");
            // the onboarding's PUT has landed (at once, or some time after an offboarding that did not wait for it)
            await().atMost(Duration.ofSeconds(10)).until(() -> arm.creations(cc) == 1);
            assertThat(arm.resource(cc))
                    .as("the connected cluster, deleted by the offboarding")
                    .isEmpty();
            assertThat(arm.deletes(cc)).isEqualTo(1);
            return plan.planId();
        } finally {
            arm.clearFaults(path);
        }
    }

    /**
     * A step that outlasts the lease (the machine's GET and its DELETE each answered after 2 s; the lease is 3 s) stays
     * with its worker, whose lease the keeper renews while the step runs: no other worker of the six takes the
     * execution over and sends the DELETE again.
     */
    @Test
    void aStepThatOutlastsTheLeaseIsNotTakenOverWhileItsWorkerLives() throws Exception {
        ArmEmulator arm = fleet.arm();
        fleet.clusters().addNode("off-slow", "flatcar-3");
        OnboardingPlan plan = nodePlan("off-slow", "flatcar-3");
        String vm = CompanionVmSteps.vmName("off-slow/flatcar-3");
        String machine = fleet.resourceGroupId() + "/providers/Microsoft.HybridCompute/machines/" + vm;
        send(Topics.PLANS_COMPANION_VM, plan);
        assertThat(awaitFinished(plan.planId(), "ONBOARD").getString("state")).isEqualTo("SUCCEEDED");
        arm.stallNext("GET", "machines/" + vm + "$", Duration.ofSeconds(2), 1);
        arm.stallNext("DELETE", "machines/" + vm + "$", Duration.ofSeconds(2), 1);
        try {
            send(
                    Topics.PLANS_COMPANION_VM,
                    plan.toOffboard(UUID.randomUUID().toString(), "r1-offboard", Instant.now()));
            JsonPath view = awaitFinished(plan.planId(), "OFFBOARD");
            assertThat(view.getString("state")).as(view.prettify()).isEqualTo("SUCCEEDED");
            Instant started = Instant.parse(view.getString("steps.find { it.name == 'delete-arc-machine' }.startedAt"));
            Instant finished =
                    Instant.parse(view.getString("steps.find { it.name == 'delete-arc-machine' }.finishedAt"));
            // the scenario held: the step ran longer than the lease
            assertThat(Duration.between(started, finished)).isGreaterThan(Duration.ofSeconds(3));
            assertThat(arm.resource(machine)).isEmpty();
            // a worker that took over would have sent its own DELETE while the first one's was still stalled; and a
            // worker still inside the step could send one late: none comes
            await().during(Duration.ofSeconds(3))
                    .atMost(Duration.ofSeconds(6))
                    .until(() -> arm.requests().stream()
                                    .filter(r -> "DELETE".equals(r.method()))
                                    .filter(r ->
                                            r.path().toLowerCase(Locale.ROOT).endsWith(vm.toLowerCase(Locale.ROOT)))
                                    .count()
                            == 1);
            assertThat(arm.deletes(machine)).as("DELETEs of the machine").isEqualTo(1);
        } finally {
            arm.clearFaults("machines/" + vm + "$");
        }
    }

    /**
     * An onboarding that keeps retrying when its offboarding arrives is ended (SUPERSEDED, nothing more of it runs) and
     * the offboarding removes what it had made.
     */
    @Test
    void anOffboardingSupersedesAnOnboardingStillUnderWay() throws Exception {
        ArmEmulator arm = fleet.arm();
        String cc = fleet.connectedClusterId("off-stuck");
        arm.failNext("PUT", "connectedClusters/off-stuck$", 503, 1000);
        try {
            OnboardingPlan plan = clusterPlan(Route.ARC_K8S, "off-stuck", List.of(Capability.GITOPS));
            send(Topics.PLANS_ARC_K8S, plan);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> types(plan.planId()).contains(StatusType.RETRYING));

            send(Topics.PLANS_ARC_K8S, plan.toOffboard(UUID.randomUUID().toString(), "r1-offboard", Instant.now()));
            JsonPath view = awaitFinished(plan.planId(), "OFFBOARD");
            assertThat(view.getString("state")).as(view.prettify()).isEqualTo("SUCCEEDED");
            StatusEvent superseded = events(plan.planId()).stream()
                    .filter(e -> e.type() == StatusType.SUPERSEDED)
                    .findFirst()
                    .orElseThrow();
            assertThat(superseded.step()).isEqualTo("put-connected-cluster");
            assertThat(superseded.detail()).contains("superseded by the offboard of revision r1-offboard");
            List<StatusType> types = types(plan.planId());
            assertThat(types.subList(types.indexOf(StatusType.SUPERSEDED), types.size()))
                    .doesNotContain(StatusType.RETRYING, StatusType.SUCCEEDED, StatusType.FAILED)
                    .endsWith(StatusType.OFFBOARDED);
            int putsAfter = arm.puts(cc);
            assertThat(arm.resource(cc)).isEmpty();
            KubernetesClient cluster = fleet.clusters().client("off-stuck");
            assertThat(cluster.namespaces().withName("azure-arc").get()).isNull();
            assertThat(cluster.namespaces().withName("azure-arc-release").get()).isNull();
            // the superseded onboarding stays ended: no PUT of the connected cluster after it
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> arm.puts(cc) == putsAfter);
            assertThat(RestAssured.get("/api/v1/executions/" + plan.planId())
                            .jsonPath()
                            .getList("revisions"))
                    .containsExactly("r1-offboard", "r1");
        } finally {
            arm.clearFaults("connectedClusters/off-stuck$");
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private String operationOf(String planId, String step) {
        return QuarkusTransaction.requiringNew().call(() -> {
            @SuppressWarnings("unchecked")
            List<String> ops = entityManager
                    .createNativeQuery("""
                    select s.operation from execution_step s join execution e on e.execution_id = s.execution_id
                    where e.plan_id = :planId and e.action = 'OFFBOARD' and s.name = :step""")
                    .setParameter("planId", planId)
                    .setParameter("step", step)
                    .getResultList();
            return ops.isEmpty() ? null : ops.get(0);
        });
    }

    private void forgetOperation(String planId, String step) {
        QuarkusTransaction.requiringNew().run(() -> {
            String execution = (String) entityManager
                    .createNativeQuery("""
                    select execution_id from execution where plan_id = :planId and action = 'OFFBOARD' for update""")
                    .setParameter("planId", planId)
                    .getSingleResult();
            int updated = entityManager
                    .createNativeQuery("""
                    update execution_step set operation = null, attempts = attempts + 1, state = 'PENDING'
                    where execution_id = :id and name = :step""")
                    .setParameter("id", execution)
                    .setParameter("step", step)
                    .executeUpdate();
            assertThat(updated).isEqualTo(1);
            entityManager
                    .createNativeQuery("update execution set lease_until = null, next_run_at = now()"
                            + " where execution_id = :id")
                    .setParameter("id", execution)
                    .executeUpdate();
        });
    }

    /** The ids (lower case) of the resources ARM created since {@code before} was taken. */
    private Set<String> createdSince(Map<String, Integer> before) {
        Map<String, Integer> now = new HashMap<>(fleet.arm().creations());
        return now.entrySet().stream()
                .filter(e -> e.getValue() > before.getOrDefault(e.getKey(), 0))
                .map(e -> e.getKey().toLowerCase(Locale.ROOT))
                .collect(Collectors.toSet());
    }

    /** The resource ids (lower case, without the query) of the DELETEs ARM received since request number {@code from}. */
    private static List<String> deletesSince(ArmEmulator arm, int from) {
        List<ArmEmulator.Recorded> requests = arm.requests();
        return requests.subList(from, requests.size()).stream()
                .filter(r -> "DELETE".equals(r.method()))
                .map(r -> r.path().replaceAll("^/+", "/").toLowerCase(Locale.ROOT))
                .toList();
    }

    private static int indexEndingWith(List<String> ids, String suffix) {
        List<String> matching = ids.stream().filter(id -> id.endsWith(suffix)).toList();
        assertThat(matching).as(suffix).hasSize(1);
        return ids.indexOf(matching.get(0));
    }

    /** The plan's events are its onboarding's, then its offboarding's, each started once and ended once. */
    private void assertOneOnboardingThenOneOffboarding(String planId) {
        List<StatusType> types = types(planId);
        int offboarding = types.indexOf(StatusType.OFFBOARDING);
        assertThat(offboarding).as(types.toString()).isPositive();
        assertThat(types).endsWith(StatusType.OFFBOARDED);
        assertThat(types.subList(0, offboarding))
                .startsWith(StatusType.STARTED)
                .endsWith(StatusType.SUCCEEDED)
                .doesNotContain(StatusType.OFFBOARDED)
                .filteredOn(t -> t == StatusType.STARTED)
                .hasSize(1);
        assertThat(types.subList(offboarding, types.size()))
                .doesNotContain(StatusType.STARTED, StatusType.SUCCEEDED)
                .filteredOn(t -> t == StatusType.OFFBOARDED)
                .hasSize(1);
    }
}
