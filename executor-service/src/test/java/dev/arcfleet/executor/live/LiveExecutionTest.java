package dev.arcfleet.executor.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import dev.arcfleet.contracts.Capability;
import dev.arcfleet.contracts.OnboardingPlan;
import dev.arcfleet.contracts.Route;
import dev.arcfleet.contracts.StatusType;
import dev.arcfleet.contracts.Topics;
import dev.arcfleet.executor.route.arck8s.AgentKeys;
import dev.arcfleet.executor.route.companionvm.CompanionVmSteps;
import dev.arcfleet.testsupport.FleetInfraResource;
import dev.arcfleet.testsupport.arm.ArmEmulator;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The executor in live mode, end to end: plans from Kafka, ARM through the emulator over HTTP (async operations, write
 * budget, 429s, injected faults), Kubernetes through one CRUD mock API server per cluster, and the agents simulated.
 */
@QuarkusTest
@QuarkusTestResource(
        value = FleetInfraResource.class,
        initArgs = @ResourceArg(name = "database", value = "executor_live"))
@QuarkusTestResource(value = LiveAzureResource.class, restrictToAnnotatedClass = true)
class LiveExecutionTest extends LiveExecutorTest {
    @Test
    void arcK8sConnectsTheClusterInstallsTheAgentsAndOneExtensionPerCapability() throws Exception {
        ArmEmulator arm = fleet.arm();
        OnboardingPlan plan = clusterPlan(
                Route.ARC_K8S,
                "ghent-line3",
                List.of(Capability.POLICY, Capability.MONITOR, Capability.GITOPS, Capability.DEFENDER));
        // the meters are there from the start; a key is generated only when the cluster holds none (an earlier test
        // may have connected it, and the key stays)
        boolean hadKey = fleet.clusters()
                        .client("ghent-line3")
                        .secrets()
                        .inNamespace("azure-arc")
                        .withName("azure-arc-connect-privatekey")
                        .get()
                != null;
        double keysBefore = metricSum("arcfleet_executor_agent_keys_total");
        double keyCpuBefore = metricSum("arcfleet_executor_agent_key_cpu_seconds_total");
        assertThat(metricLines()).anyMatch(l -> l.startsWith("arcfleet_executor_agent_keys_total"));
        send(Topics.PLANS_ARC_K8S, plan);

        JsonPath view = awaitFinished(plan.planId(), Duration.ofSeconds(60));
        assertThat(view.getString("state")).as(view.prettify()).isEqualTo("SUCCEEDED");
        assertThat(view.getString("mode")).isEqualTo("live");
        if (!hadKey) {
            assertThat(metricSum("arcfleet_executor_agent_keys_total")).isGreaterThanOrEqualTo(keysBefore + 1);
            assertThat(metricSum("arcfleet_executor_agent_key_cpu_seconds_total"))
                    .isGreaterThan(keyCpuBefore);
        }

        String cc = fleet.connectedClusterId("ghent-line3");
        Map<String, Object> connected = arm.resource(cc).orElseThrow();
        assertThat(property(connected, "connectivityStatus")).isEqualTo("Connected");
        assertThat(property(connected, "distribution")).isEqualTo("k3s");
        assertThat(connected.get("identity").toString()).contains("SystemAssigned");
        List<String> extensions = arm.resourceIds(
                "connectedClusters/ghent-line3/providers/Microsoft.KubernetesConfiguration/extensions/");
        assertThat(extensions).hasSize(4);
        assertThat(extensions.stream().map(id -> property(arm.resource(id).orElseThrow(), "extensionType")))
                .containsExactlyInAnyOrder(
                        "microsoft.policyinsights",
                        "microsoft.azuremonitor.containers",
                        "microsoft.flux",
                        "microsoft.azuredefender.kubernetes");
        for (String id : extensions) {
            assertThat(arm.creations(id)).as(id).isEqualTo(1);
        }
        assertThat(arm.creations(cc)).isEqualTo(1);
        // container insights reports to a workspace through a data collection rule associated with the cluster
        Map<String, Object> monitor = arm.resource(
                        cc + "/providers/Microsoft.KubernetesConfiguration/extensions/" + "azuremonitor-containers")
                .orElseThrow();
        String workspace =
                fleet.resourceGroupId() + "/providers/Microsoft.OperationalInsights/workspaces/arc-fleet-westeurope";
        assertThat(monitor.get("properties").toString())
                .contains("logAnalyticsWorkspaceResourceID=" + workspace)
                .contains("releaseNamespace=azuremonitor-containers");
        assertThat(arm.resource(
                        cc + "/providers/Microsoft.Insights/dataCollectionRuleAssociations/ContainerInsightsExtension"))
                .isPresent();
        assertThat(arm.resourceIds("dataCollectionRules/MSCI-westeurope-ghent-line3$"))
                .hasSize(1);

        // The private key lives only in the cluster, where the agents' chart reads it; Azure got its PKCS#1 public
        // half.
        KubernetesClient cluster = fleet.clusters().client("ghent-line3");
        String privateKey = secretValue(cluster, "azure-arc", "azure-arc-connect-privatekey", "privateKey");
        assertThat(privateKey).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        assertThat(property(connected, "agentPublicKeyCertificate")).isEqualTo(AgentKeys.publicKeyOfPem(privateKey));
        assertThat(arm.requests()).noneMatch(r -> r.body().contains(privateKeyBody(privateKey)));
        GenericKubernetesResource job = cluster.genericKubernetesResources("batch/v1", "Job")
                .inNamespace("azure-arc-release")
                .withName("arc-agent-install")
                .get();
        assertThat(job.getAdditionalProperties().get("spec").toString())
                .contains("global.resourceName=ghent-line3")
                .contains("--version, 1.35.3")
                .contains("systemDefaultValues.spnOnboarding=false")
                .contains("ttlSecondsAfterFinished=3600")
                .doesNotContain("PRIVATE KEY");
        // the installer's cluster-admin binding and account existed only while it ran
        assertThat(cluster.rbac()
                        .clusterRoleBindings()
                        .withName("arc-agent-installer")
                        .get())
                .isNull();
        assertThat(cluster.serviceAccounts()
                        .inNamespace("azure-arc-release")
                        .withName("arc-agent-installer")
                        .get())
                .isNull();
        assertThat(cluster.configMaps()
                        .inNamespace("azure-arc")
                        .withName("azure-clusterconfig")
                        .get()
                        .getData())
                .containsEntry("AZURE_RESOURCE_NAME", "ghent-line3");
        assertThat(fleet.simulator().problems()).doesNotContainKeys("ghent-line3", cc);

        assertThat(types(plan.planId()))
                .startsWith(StatusType.STARTED)
                .endsWith(StatusType.SUCCEEDED)
                .filteredOn(t -> t == StatusType.STEP_SUCCEEDED)
                .hasSize(view.getList("steps").size());

        // A new revision of the same plan runs again and changes nothing: every resource is found and kept.
        OnboardingPlan again = revise(plan, "r2");
        send(Topics.PLANS_ARC_K8S, again);
        await().atMost(Duration.ofSeconds(60))
                .until(() -> executionView(plan.planId()).getList("revisions").size() == 2
                        && "SUCCEEDED".equals(executionView(plan.planId()).getString("state")));
        assertThat(arm.creations(cc)).isEqualTo(1);
        extensions.forEach(id -> assertThat(arm.creations(id)).isEqualTo(1));
        assertThat(executionView(plan.planId())
                        .getString("steps.find { it.name == 'put-connected-cluster' }.record.actions[0].result"))
                .isEqualTo("present");
    }

    @Test
    void aClusterConnectedByAzConnectedk8sConnectIsAdoptedWithItsKeyNotReinstalled() throws Exception {
        ArmEmulator arm = fleet.arm();
        String cc = fleet.connectedClusterId("adopted-edge");
        // connected earlier by hand with az connectedk8s connect: the agents' namespaces, key Secret and ConfigMap in
        // the
        // cluster, the connected cluster in Azure with the key's public half
        AgentKeys.Encoded earlier = AgentKeys.generate();
        KubernetesClient cluster = fleet.clusters().client("adopted-edge");
        connectedByTheCli(cluster, "adopted-edge", earlier, "westeurope");
        arm.seed(fleet.resourceGroupId(), Map.of("location", "westeurope"));
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
                                "talos",
                                "agentPublicKeyCertificate",
                                earlier.publicKeyBase64())));
        OnboardingPlan plan = clusterPlan(Route.ARC_K8S, "adopted-edge", List.of(Capability.MONITOR));
        send(Topics.PLANS_ARC_K8S, plan);

        JsonPath view = awaitFinished(plan.planId(), Duration.ofSeconds(60));
        assertThat(view.getString("state")).as(view.prettify()).isEqualTo("SUCCEEDED");
        assertThat(arm.creations(cc)).isZero();
        assertThat(property(arm.resource(cc).orElseThrow(), "agentPublicKeyCertificate"))
                .isEqualTo(earlier.publicKeyBase64());
        assertThat(secretValue(cluster, "azure-arc", "azure-arc-connect-privatekey", "privateKey"))
                .isEqualTo(earlier.privateKeyPem());
        assertThat(cluster.batch()
                        .v1()
                        .jobs()
                        .inNamespace("azure-arc-release")
                        .withName("arc-agent-install")
                        .get())
                .isNull();
        assertThat(view.getString("steps.find { it.name == 'install-arc-agents' }.detail"))
                .contains("skipped")
                .contains("adopted with their key");
        assertThat(arm.resourceIds("adopted-edge/providers/Microsoft.KubernetesConfiguration/extensions/"))
                .hasSize(1);
    }

    @Test
    void aClusterConnectedToAnotherResourceIsRefusedAndLeftAlone() throws Exception {
        ArmEmulator arm = fleet.arm();
        KubernetesClient cluster = fleet.clusters().client("elsewhere-edge");
        connectedByTheCli(cluster, "plant-7-prod", AgentKeys.generate(), "westeurope");
        OnboardingPlan plan = clusterPlan(Route.ARC_K8S, "elsewhere-edge", List.of(Capability.GITOPS));
        send(Topics.PLANS_ARC_K8S, plan);

        JsonPath view = awaitFinished(plan.planId(), Duration.ofSeconds(60));
        assertThat(view.getString("state")).isEqualTo("FAILED");
        assertThat(view.getString("failureReason"))
                .contains("already connected to Azure Arc as connected cluster" + " 'plant-7-prod'")
                .contains("az connectedk8s delete");
        assertThat(arm.resource(fleet.connectedClusterId("elsewhere-edge"))).isEmpty();
        assertThat(cluster.batch()
                        .v1()
                        .jobs()
                        .inNamespace("azure-arc-release")
                        .list()
                        .getItems())
                .isEmpty();
    }

    @Test
    void aPlanForAClusterTheExecutorHasNoKubeconfigForFailsClosed() throws Exception {
        OnboardingPlan plan = clusterPlan(Route.ARC_K8S, "unknown-edge", List.of(Capability.GITOPS));
        send(Topics.PLANS_ARC_K8S, plan);
        JsonPath view = awaitFinished(plan.planId(), Duration.ofSeconds(60));
        assertThat(view.getString("state")).isEqualTo("FAILED");
        assertThat(view.getString("failureReason"))
                .contains("no kubeconfig for cluster unknown-edge")
                .contains("does not fall back to its own cluster");
        assertThat(fleet.arm().resource(fleet.connectedClusterId("unknown-edge")))
                .isEmpty();
    }

    @Test
    void companionVmRunsPinnedToItsHostItsMachineConnectsAndAVanishedVmIsRecreated() throws Exception {
        ArmEmulator arm = fleet.arm();
        fleet.clusters().addNode("lyon-edge", "talos-w1");
        OnboardingPlan plan = nodePlan("lyon-edge", "talos-w1");
        // the node id maps to a name with '/' replaced, so the name carries a short hash of the id (a:b and a/b differ)
        String vmName = CompanionVmSteps.vmName("lyon-edge/talos-w1");
        assertThat(vmName).matches("arc-lyon-edge-talos-w1-[0-9a-f]{8}");
        send(Topics.PLANS_COMPANION_VM, plan);

        JsonPath view = awaitFinished(plan.planId(), Duration.ofSeconds(60));
        assertThat(view.getString("state")).as(view.prettify()).isEqualTo("SUCCEEDED");
        KubernetesClient cluster = fleet.clusters().client("lyon-edge");
        GenericKubernetesResource vm = cluster.genericKubernetesResources("kubevirt.io/v1", "VirtualMachine")
                .inNamespace("arc-companions")
                .withName(vmName)
                .get();
        assertThat(vm).isNotNull();
        assertThat(vm.getAdditionalProperties().get("spec").toString())
                .contains("runStrategy=Always")
                .contains("kubernetes.io/hostname=talos-w1");
        String machine = fleet.resourceGroupId() + "/providers/Microsoft.HybridCompute/machines/" + vmName;
        assertThat(property(arm.resource(machine).orElseThrow(), "status")).isEqualTo("Connected");
        assertThat(arm.resource(machine).orElseThrow().get("tags").toString()).contains("lyon-edge/talos-w1");
        assertThat(fleet.simulator().vmStarts(vmName)).isEqualTo(1);
        // cloud-init gets only constant user data; the principal reaches the guest on a Secret disk, for azcmagent
        // --config,
        // and that Secret leaves the cluster once the machine is connected
        assertThat(fleet.simulator().onboardingSettings(vmName))
                .containsEntry("service-principal-secret", fleet.principalSecret())
                .containsEntry("resource-name", vmName);
        assertThat(cluster.secrets()
                        .inNamespace("arc-companions")
                        .withName(vmName + "-onboarding")
                        .get())
                .as("the onboarding Secret is removed after the machine connected")
                .isNull();
        assertThat(secretValue(cluster, "arc-companions", vmName + "-cloudinit", "userdata"))
                .contains("azcmagent, connect, --config")
                .doesNotContain(fleet.principalSecret())
                .doesNotContain("lyon-edge");
        assertThat(vm.getAdditionalProperties().get("spec").toString()).contains("serial=ARCONBOARDING");

        // The VM disappears (deleted by hand, say): the reconciler notices, reopens the execution, the VM comes back.
        cluster.genericKubernetesResources("kubevirt.io/v1", "VirtualMachine")
                .inNamespace("arc-companions")
                .withName(vmName)
                .delete();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(fleet.simulator().vmStarts(vmName)).isEqualTo(2);
            assertThat(types(plan.planId()))
                    .filteredOn(t -> t == StatusType.SUCCEEDED)
                    .hasSize(2);
        });
        assertThat(events(plan.planId()))
                .anyMatch(e -> e.type() == StatusType.STARTED
                        && e.detail().contains(vmName + " is gone from cluster lyon-edge; recreating it"));
        assertThat(types(plan.planId())).endsWith(StatusType.SUCCEEDED);
        assertThat(executionView(plan.planId()).getString("state")).isEqualTo("SUCCEEDED");

        // Someone edits the VM by hand: the reconciler sees it no longer matches its plan and applies the plan again.
        GenericKubernetesResource edited = cluster.genericKubernetesResources("kubevirt.io/v1", "VirtualMachine")
                .inNamespace("arc-companions")
                .withName(vmName)
                .get();
        @SuppressWarnings("unchecked")
        Map<String, Object> domain =
                (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>)
                                                edited.getAdditionalProperties().get("spec"))
                                        .get("template"))
                                .get("spec"))
                        .get("domain");
        domain.put("cpu", Map.of("cores", 7));
        cluster.genericKubernetesResources("kubevirt.io/v1", "VirtualMachine")
                .inNamespace("arc-companions")
                .resource(edited)
                .update();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(types(plan.planId()))
                    .filteredOn(t -> t == StatusType.SUCCEEDED)
                    .hasSize(3);
            assertThat(cluster.genericKubernetesResources("kubevirt.io/v1", "VirtualMachine")
                            .inNamespace("arc-companions")
                            .withName(vmName)
                            .get()
                            .getAdditionalProperties()
                            .get("spec")
                            .toString())
                    .contains("cores=1")
                    .doesNotContain("cores=7");
        });
        assertThat(events(plan.planId()))
                .anyMatch(e -> e.type() == StatusType.STARTED && e.detail().contains("no longer matches its plan"));

        // The VM runs but its machine stops heartbeating: Azure shows it Disconnected. The reconciler, listing the
        // group's machines a page at a time, reopens the execution, which waits until the machine connects again.
        arm.listPageSize(1);
        int starts = fleet.simulator().vmStarts(vmName);
        arm.setProperty(machine, "status", "Disconnected");
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(events(plan.planId()))
                        .anyMatch(e ->
                                e.type() == StatusType.STARTED && e.detail().contains(vmName + " is Disconnected")));
        assertThat(types(plan.planId()))
                .filteredOn(t -> t == StatusType.SUCCEEDED)
                .hasSize(3);
        assertThat(executionView(plan.planId()).getString("state")).isEqualTo("RUNNING");
        arm.setProperty(machine, "status", "Connected");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(types(plan.planId()))
                    .filteredOn(t -> t == StatusType.SUCCEEDED)
                    .hasSize(4);
            assertThat(executionView(plan.planId()).getString("state")).isEqualTo("SUCCEEDED");
        });
        assertThat(fleet.simulator().vmStarts(vmName))
                .as("the VM itself was left running")
                .isEqualTo(starts);
    }

    /**
     * ARM answers a write with a poll URL on another host (a spoofed or compromised answer): the executor does not
     * follow it, so the bearer token never leaves for that host, and the step fails saying why.
     */
    @Test
    void aPollUrlOnAnotherHostIsNotFollowedAndTheStepFailsSayingWhy() throws Exception {
        List<String> received = new java.util.concurrent.CopyOnWriteArrayList<>();
        com.sun.net.httpserver.HttpServer foreign =
                com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        foreign.createContext("/", exchange -> {
            received.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
                    + exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] body = "{\"status\":\"Succeeded\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        foreign.start();
        try {
            String base = "http://127.0.0.1:" + foreign.getAddress().getPort();
            fleet.arm().pollUrlsOn("connectedClusters/foreign-poll$", base);
            OnboardingPlan plan = clusterPlan(Route.ARC_K8S, "foreign-poll", List.of(Capability.GITOPS));
            send(Topics.PLANS_ARC_K8S, plan);

            JsonPath view = awaitFinished(plan.planId(), Duration.ofSeconds(60));
            assertThat(view.getString("state")).as(view.prettify()).isEqualTo("FAILED");
            assertThat(view.getString("failureReason"))
                    .contains("put-connected-cluster")
                    .contains(base)
                    .contains("not on the ARM endpoint " + fleet.arm().endpoint());
            assertThat(received).as("requests the foreign host got").isEmpty();
            assertThat(fleet.arm().requests()).allMatch(r -> ("Bearer " + fleet.armToken()).equals(r.authorization()));
        } finally {
            foreign.stop(0);
        }
    }

    @Test
    void aCompanionVmForANodeItsClusterDoesNotHaveFailsBeforeAnythingIsWritten() throws Exception {
        OnboardingPlan plan = nodePlan("nohost-edge", "ghost-3");
        send(Topics.PLANS_COMPANION_VM, plan);
        JsonPath view = awaitFinished(plan.planId(), Duration.ofSeconds(90));
        assertThat(view.getString("state")).isEqualTo("FAILED");
        assertThat(view.getString("failureReason"))
                .contains("require-host-node")
                .contains("has no node ghost-3");
        assertThat(fleet.clusters()
                        .client("nohost-edge")
                        .genericKubernetesResources("kubevirt.io/v1", "VirtualMachine")
                        .inAnyNamespace()
                        .list()
                        .getItems())
                .isEmpty();
    }

    @Test
    void iotOperationsRunsOnAConnectedClusterThroughToAProvisionedInstance() throws Exception {
        ArmEmulator arm = fleet.arm();
        arm.seed(fleet.resourceGroupId(), Map.of("location", "westeurope"));
        seedIotReadyCluster(arm, "bremen-plant");
        OnboardingPlan plan = clusterPlan(Route.IOT_OPERATIONS, "bremen-plant", List.of(Capability.EDGE_DATA));
        send(Topics.PLANS_IOT_OPERATIONS, plan);

        JsonPath view = awaitFinished(plan.planId(), Duration.ofSeconds(90));
        assertThat(view.getString("state")).as(view.prettify()).isEqualTo("SUCCEEDED");
        String instance = fleet.resourceGroupId() + "/providers/Microsoft.IoTOperations/instances/bremen-plant-aio";
        Map<String, Object> aio = arm.resource(instance).orElseThrow();
        assertThat(aio.get("extendedLocation").toString()).contains("customLocations/bremen-plant-cl");
        assertThat(property(
                        arm.resource(fleet.resourceGroupId()
                                        + "/providers/Microsoft.ExtendedLocation/customLocations/bremen-plant-cl")
                                .orElseThrow(),
                        "hostResourceId"))
                .isEqualTo(fleet.connectedClusterId("bremen-plant"));
        assertThat(arm.resourceIds("bremen-plant/providers/Microsoft.KubernetesConfiguration/extensions/"))
                .extracting(id -> id.substring(id.lastIndexOf('/') + 1))
                .containsExactlyInAnyOrder(
                        "azure-iot-operations-platform",
                        "azure-secret-store",
                        "azure-arc-containerstorage",
                        "azure-iot-operations");
        String instance0 = fleet.resourceGroupId() + "/providers/Microsoft.IoTOperations/instances/bremen-plant-aio";
        assertThat(arm.resourceIds(instance0 + "/"))
                .extracting(id -> id.substring(instance0.length()))
                .containsExactlyInAnyOrder(
                        "/brokers/default",
                        "/brokers/default/authentications/default",
                        "/brokers/default/listeners/default",
                        "/dataflowProfiles/default",
                        "/dataflowEndpoints/default");
        assertThat(arm.resourceIds("/providers/Microsoft.Authorization/roleAssignments/"))
                .isNotEmpty();
        assertThat(aio.get("properties").toString()).contains("schemaRegistryRef");
    }

    @Test
    void iotOperationsRefusesAClusterWithoutAnOidcIssuer() throws Exception {
        ArmEmulator arm = fleet.arm();
        arm.seed(fleet.resourceGroupId(), Map.of("location", "westeurope"));
        arm.seed(
                fleet.connectedClusterId("no-oidc"),
                Map.of(
                        "location",
                        "westeurope",
                        "properties",
                        Map.of("connectivityStatus", "Connected", "distribution", "k3s")));
        OnboardingPlan plan = clusterPlan(Route.IOT_OPERATIONS, "no-oidc", List.of(Capability.EDGE_DATA));
        send(Topics.PLANS_IOT_OPERATIONS, plan);
        JsonPath view = awaitFinished(plan.planId(), Duration.ofSeconds(90));
        assertThat(view.getString("state")).isEqualTo("FAILED");
        assertThat(view.getString("failureReason"))
                .contains("require-oidc-issuer")
                .contains("--enable-oidc-issuer");
        assertThat(arm.resourceIds("no-oidc/providers/Microsoft.KubernetesConfiguration/extensions/"))
                .isEmpty();
    }

    /** A connected cluster as IoT Operations needs it: Connected, with its OIDC issuer and workload identity. */
    private void seedIotReadyCluster(ArmEmulator arm, String cluster) {
        arm.seed(
                fleet.connectedClusterId(cluster),
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
    }

    @Test
    void transientFaultsAreRetriedAndAFailedProvisioningEndsTheExecutionWithAReason() throws Exception {
        ArmEmulator arm = fleet.arm();
        arm.failNext("PUT", "connectedClusters/faults-a$", 503, 2);
        arm.stallNext(
                "GET",
                "connectedClusters/faults-a/providers/Microsoft.KubernetesConfiguration",
                Duration.ofSeconds(5),
                1);
        arm.failProvisioning("connectedClusters/faults-b/providers/Microsoft.KubernetesConfiguration/extensions/flux$");
        OnboardingPlan retried = clusterPlan(Route.ARC_K8S, "faults-a", List.of(Capability.GITOPS));
        OnboardingPlan failing = clusterPlan(Route.ARC_K8S, "faults-b", List.of(Capability.MONITOR, Capability.GITOPS));
        send(Topics.PLANS_ARC_K8S, retried);
        send(Topics.PLANS_ARC_K8S, failing);

        JsonPath ok = awaitFinished(retried.planId(), Duration.ofSeconds(90));
        assertThat(ok.getString("state")).as(ok.prettify()).isEqualTo("SUCCEEDED");
        assertThat(types(retried.planId())).contains(StatusType.RETRYING);
        assertThat(arm.creations(fleet.connectedClusterId("faults-a"))).isEqualTo(1);

        JsonPath failed = awaitFinished(failing.planId(), Duration.ofSeconds(90));
        assertThat(failed.getString("state")).isEqualTo("FAILED");
        assertThat(failed.getString("failureReason"))
                .contains("extension-flux")
                .contains("extensions/flux")
                .contains("Failed")
                .contains("activity log");
        assertThat(types(failing.planId())).endsWith(StatusType.FAILED);
    }

    @Test
    void aMissingResourceProviderRegistrationFailsWithTheCommandThatFixesIt() throws Exception {
        ArmEmulator arm = fleet.arm();
        arm.seed(fleet.resourceGroupId(), Map.of("location", "westeurope"));
        seedIotReadyCluster(arm, "no-provider");
        arm.unregisterProvider("Microsoft.ExtendedLocation");
        try {
            OnboardingPlan plan = clusterPlan(Route.IOT_OPERATIONS, "no-provider", List.of(Capability.EDGE_DATA));
            send(Topics.PLANS_IOT_OPERATIONS, plan);
            JsonPath view = awaitFinished(plan.planId(), Duration.ofSeconds(90));
            assertThat(view.getString("state")).isEqualTo("FAILED");
            assertThat(view.getString("failureReason"))
                    .contains("require-provider-microsoft-extendedlocation")
                    .contains("not registered for resource provider Microsoft.ExtendedLocation")
                    .contains("az provider register --namespace Microsoft.ExtendedLocation");
            RestAssured.post("/api/v1/executions/" + plan.planId() + "/cancel")
                    .then()
                    .statusCode(409)
                    .body("message", containsString("already ended FAILED"));

            // the operator runs the printed command, then retries: the execution resumes at the failed step
            arm.registerProvider("Microsoft.ExtendedLocation");
            int writesBefore = arm.puts(fleet.connectedClusterId("no-provider"));
            RestAssured.post("/api/v1/executions/" + plan.planId() + "/retry")
                    .then()
                    .statusCode(200)
                    .body("state", equalTo("RUNNING"));
            JsonPath retried = awaitFinished(plan.planId(), Duration.ofSeconds(90));
            assertThat(retried.getString("state")).as(retried.prettify()).isEqualTo("SUCCEEDED");
            assertThat(retried.getString("failureReason")).isNull();
            assertThat(arm.puts(fleet.connectedClusterId("no-provider"))).isEqualTo(writesBefore);
            assertThat(arm.resourceIds(".*customLocations/.*no-provider.*")).hasSize(1);
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(types(plan.planId()))
                            .containsSubsequence(StatusType.FAILED, StatusType.RETRYING, StatusType.SUCCEEDED));
            assertThat(events(plan.planId()).stream()
                            .filter(e -> e.type() == StatusType.RETRYING)
                            .findFirst()
                            .orElseThrow()
                            .detail())
                    .contains("retry requested by")
                    .contains("not registered for resource provider");
            RestAssured.post("/api/v1/executions/" + plan.planId() + "/retry")
                    .then()
                    .statusCode(409)
                    .body("message", containsString("is SUCCEEDED"));
        } finally {
            arm.registerProvider("Microsoft.ExtendedLocation");
        }
    }

    @Test
    void anOperatorCancelsAnExecutionThatKeepsRetryingAndLaterRetriesItWithoutADuplicate() throws Exception {
        ArmEmulator arm = fleet.arm();
        arm.failNext("PUT", "connectedClusters/cancelled-a$", 503, 1000);
        OnboardingPlan plan = clusterPlan(Route.ARC_K8S, "cancelled-a", List.of(Capability.GITOPS));
        send(Topics.PLANS_ARC_K8S, plan);
        await().atMost(Duration.ofSeconds(30)).until(() -> types(plan.planId()).contains(StatusType.RETRYING));

        RestAssured.given()
                .contentType("application/json")
                .body("{\"reason\": \"maintenance window\"}")
                .post("/api/v1/executions/" + plan.planId() + "/cancel")
                .then()
                .statusCode(200)
                .body("state", equalTo("FAILED"))
                .body("failureReason", containsString("maintenance window"));
        assertThat(types(plan.planId())).doesNotContain(StatusType.SUCCEEDED);
        RestAssured.given()
                .contentType("application/json")
                .body("{\"reason\": 42}")
                .post("/api/v1/executions/" + plan.planId() + "/cancel")
                .then()
                .statusCode(400)
                .body("errors.field", hasItem("reason"));
        RestAssured.post("/api/v1/executions/no-such-plan/retry")
                .then()
                .statusCode(404)
                .body("message", containsString("no-such-plan"));

        arm.clearFaults("connectedClusters/cancelled-a$");
        RestAssured.post("/api/v1/executions/" + plan.planId() + "/retry")
                .then()
                .statusCode(200);
        JsonPath done = awaitFinished(plan.planId(), Duration.ofSeconds(120));
        assertThat(done.getString("state")).as(done.prettify()).isEqualTo("SUCCEEDED");
        assertThat(arm.creations(fleet.connectedClusterId("cancelled-a"))).isEqualTo(1);
    }

    @Test
    void aRevisionDuringARunningExecutionStopsItAtAStepBoundaryAndAdoptsWhatItCreated() throws Exception {
        ArmEmulator arm = fleet.arm();
        arm.provisioningLatency(Duration.ofMillis(1500));
        // the agents' install Job waits until revision 2 is accepted, so revision 1 is mid-way then however slow
        // the machine
        fleet.simulator().hold("revised-edge");
        try {
            OnboardingPlan first = clusterPlan(Route.ARC_K8S, "revised-edge", List.of(Capability.GITOPS));
            send(Topics.PLANS_ARC_K8S, first);
            String planId = first.planId();
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> events(planId).stream()
                            .anyMatch(e ->
                                    e.type() == StatusType.STEP_SUCCEEDED && "put-connected-cluster".equals(e.step())));
            OnboardingPlan second = new OnboardingPlan(
                    UUID.randomUUID().toString(),
                    first.correlationId(),
                    Instant.now(),
                    planId,
                    "r2",
                    first.route(),
                    first.target(),
                    first.nodeIds(),
                    List.of(Capability.GITOPS, Capability.MONITOR),
                    first.dependsOn(),
                    null,
                    first.policyVersion(),
                    first.parameters());
            send(Topics.PLANS_ARC_K8S, second);
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> executionRows(planId).size() == 2);
            fleet.simulator().release("revised-edge");

            await().atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> types(planId).contains(StatusType.SUCCEEDED));
            JsonPath view = executionView(planId);
            assertThat(view.getString("state")).as(view.prettify()).isEqualTo("SUCCEEDED");
            assertThat(view.getList("revisions", String.class)).containsExactlyInAnyOrder("r1", "r2");

            // revision 1 ended SUPERSEDED between two steps: every step before it done, every step after untouched
            List<Object[]> executions = executionRows(planId);
            assertThat(executions).hasSize(2);
            Object[] r1 = executions.get(0);
            Object[] r2 = executions.get(1);
            assertThat(r1[0]).isEqualTo("r1");
            assertThat(r1[1]).isEqualTo("SUPERSEDED");
            assertThat(r1[2]).isEqualTo("r2");
            int stoppedAt = ((Number) r1[3]).intValue();
            List<Object[]> r1Steps = stepRows(planId + ":r1");
            assertThat(stoppedAt).as("mid-way").isBetween(4, r1Steps.size() - 1);
            for (Object[] step : r1Steps) {
                int idx = ((Number) step[0]).intValue();
                assertThat(step[2]).as("r1 step %s", step[1]).isEqualTo(idx < stoppedAt ? "SUCCEEDED" : "PENDING");
                if (idx >= stoppedAt) {
                    assertThat(step[3])
                            .as("r1 step %s was never started", step[1])
                            .isNull();
                }
            }
            assertThat(r2[0]).isEqualTo("r2");
            assertThat(r2[1]).isEqualTo("SUCCEEDED");
            // no two revisions at once: revision 2's first step began after revision 1 ended
            Instant r1Ended = (Instant) r1[4];
            Instant r2Began = (Instant) stepRows(planId + ":r2").get(0)[3];
            assertThat(r2Began).isAfterOrEqualTo(r1Ended);
            // ... and its events, in the order the topic carries them, are revision 1's then revision 2's
            List<dev.arcfleet.contracts.StatusEvent> events = events(planId);
            assertThat(events)
                    .extracting(dev.arcfleet.contracts.StatusEvent::sequence)
                    .isSorted()
                    .doesNotHaveDuplicates();
            List<StatusType> types = types(planId);
            int superseded = types.indexOf(StatusType.SUPERSEDED);
            assertThat(types).filteredOn(t -> t == StatusType.SUPERSEDED).hasSize(1);
            assertThat(types).filteredOn(t -> t == StatusType.STARTED).hasSize(2);
            assertThat(types.subList(0, superseded))
                    .startsWith(StatusType.STARTED)
                    .doesNotContain(StatusType.SUCCEEDED, StatusType.FAILED)
                    .filteredOn(t -> t == StatusType.STARTED)
                    .hasSize(1);
            assertThat(types.subList(superseded + 1, types.size()))
                    .startsWith(StatusType.STARTED)
                    .endsWith(StatusType.SUCCEEDED);

            // revision 2 adopted what revision 1 created: each resource PUT-created once, nothing deleted
            String cc = fleet.connectedClusterId("revised-edge");
            assertThat(view.getString("steps.find { it.name == 'put-connected-cluster' }.record.actions[0].result"))
                    .isEqualTo("present");
            List<String> ids = arm.resourceIds("connectedClusters/revised-edge");
            assertThat(ids).contains(cc).hasSizeGreaterThanOrEqualTo(3);
            for (String id : ids) {
                assertThat(arm.creations(id)).as(id).isEqualTo(1);
                assertThat(arm.deletes(id)).as(id).isZero();
            }
            assertThat(arm.resourceIds("connectedClusters/revised-edge/providers/Microsoft.KubernetesConfiguration/"
                            + "extensions/"))
                    .hasSize(2);
            assertThat(fleet.clusters()
                            .client("revised-edge")
                            .secrets()
                            .inNamespace("azure-arc")
                            .list()
                            .getItems())
                    .filteredOn(s -> s.getMetadata().getName().equals("azure-arc-connect-privatekey"))
                    .hasSize(1);
        } finally {
            fleet.simulator().release("revised-edge");
            arm.provisioningLatency(LiveFleet.PROVISIONING);
        }
    }

    /** The plan's executions, oldest first: revision, state, superseded_by, current_step, finished_at. */
    private List<Object[]> executionRows(String planId) {
        return io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().call(() -> {
            @SuppressWarnings("unchecked")
            List<Object[]> rows = entityManager
                    .createNativeQuery("""
                            select revision, state, superseded_by, current_step, finished_at from execution
                            where plan_id = :planId order by created_at""")
                    .setParameter("planId", planId)
                    .getResultList();
            return rows.stream()
                    .map(r -> new Object[] {r[0], r[1], r[2], r[3], toInstant(r[4])})
                    .toList();
        });
    }

    /** An execution's steps in order: idx, name, state, started_at. */
    private List<Object[]> stepRows(String executionId) {
        return io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().call(() -> {
            @SuppressWarnings("unchecked")
            List<Object[]> rows = entityManager
                    .createNativeQuery("""
                            select idx, name, state, started_at from execution_step
                            where execution_id = :id order by idx""")
                    .setParameter("id", executionId)
                    .getResultList();
            return rows.stream()
                    .map(r -> new Object[] {r[0], r[1], r[2], toInstant(r[3])})
                    .toList();
        });
    }

    private static Instant toInstant(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Instant instant) {
            return instant;
        }
        if (value instanceof java.time.OffsetDateTime odt) {
            return odt.toInstant();
        }
        if (value instanceof java.sql.Timestamp ts) {
            return ts.toInstant();
        }
        throw new IllegalStateException("not a timestamp: " + value.getClass());
    }

    @Test
    void underA429StormEveryPlanStillSucceedsAndNothingIsCreatedTwice() throws Exception {
        ArmEmulator arm = fleet.arm();
        int throttledBefore = arm.throttled();
        double throttledMetricBefore = metricSum("fleet_arm_throttled_total");
        arm.writeBudget(4, 5);
        try {
            List<OnboardingPlan> plans = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                plans.add(clusterPlan(Route.ARC_K8S, "storm-" + i, List.of(Capability.MONITOR)));
            }
            // the bucket alone is overrun only when the plans' writes come faster than 5 a second, which a loaded
            // machine may not give: writes are also refused (1 s windows, renewed) from before the plans are sent until
            // the first 429, so the storm does not depend on the machine's speed
            arm.throttleFor(ArmEmulator.Kind.WRITE, Duration.ofSeconds(1));
            for (OnboardingPlan plan : plans) {
                send(Topics.PLANS_ARC_K8S, plan);
            }
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        if (arm.throttled() > throttledBefore) {
                            return true;
                        }
                        arm.throttleFor(ArmEmulator.Kind.WRITE, Duration.ofSeconds(1));
                        return false;
                    });
            for (OnboardingPlan plan : plans) {
                JsonPath view = awaitFinished(plan.planId(), Duration.ofSeconds(120));
                assertThat(view.getString("state")).as(view.prettify()).isEqualTo("SUCCEEDED");
            }
            assertThat(arm.throttled() - throttledBefore)
                    .as("429 answers during the storm")
                    .isPositive();
            assertThat(arm.creations())
                    .allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1));
            assertThat(plans.stream()
                            .flatMap(p -> events(p.planId()).stream())
                            .filter(e -> e.type() == StatusType.RETRYING))
                    .anyMatch(e -> e.detail().contains("429"));
            // every 429 the emulator sent is counted on /q/metrics, and the ARM calls are there by status
            assertThat(metricSum("fleet_arm_throttled_total") - throttledMetricBefore)
                    .isEqualTo(arm.throttled() - throttledBefore);
            assertThat(metricSum("fleet_arm_calls_seconds_count")).isGreaterThan(arm.throttled() - throttledBefore);
            System.out.printf(
                    "429 storm: 8 plans SUCCEEDED, %d calls throttled, %d writes%n",
                    arm.throttled() - throttledBefore, arm.writes());
        } finally {
            arm.writeBudget(200, 10);
        }
    }

    @Test
    void noSecretReachesAnEventALogLineTheDatabaseOrTheRestApi() throws Exception {
        fleet.clusters().addNode("secrets-b", "flatcar-7");
        List<OnboardingPlan> plans = List.of(
                clusterPlan(Route.ARC_K8S, "secrets-a", List.of(Capability.POLICY)),
                nodePlan("secrets-b", "flatcar-7"));
        send(Topics.PLANS_ARC_K8S, plans.get(0));
        send(Topics.PLANS_COMPANION_VM, plans.get(1));
        for (OnboardingPlan plan : plans) {
            JsonPath view = awaitFinished(plan.planId(), Duration.ofSeconds(60));
            assertThat(view.getString("state")).as(view.prettify()).isEqualTo("SUCCEEDED");
        }
        String privateKey = privateKeyBody(secretValue(
                fleet.clusters().client("secrets-a"), "azure-arc", "azure-arc-connect-privatekey", "privateKey"));
        List<String> secrets = List.of(fleet.principalSecret(), fleet.armToken(), privateKey);

        List<String> places = new ArrayList<>();
        ConsumerTask<String, String> everything = kafka.consumeStrings().fromTopics(Topics.STATUS);
        long[] seen = {-1};
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> {
                    long now = everything.count();
                    boolean settled = now > 0 && now == seen[0];
                    seen[0] = now;
                    return settled;
                });
        everything.getRecords().forEach(r -> places.add("event " + r.value()));
        everything.close();
        places.add("log " + Files.readString(fleet.logFile()));
        for (OnboardingPlan plan : plans) {
            places.add("rest "
                    + RestAssured.get("/api/v1/executions/" + plan.planId()).asString());
        }
        places.add("db " + databaseText());
        for (String place : places) {
            for (String secret : secrets) {
                assertThat(place)
                        .as(place.substring(0, Math.min(40, place.length())))
                        .doesNotContain(secret);
            }
        }
        assertThat(places).anyMatch(p -> p.startsWith("event ")).anyMatch(p -> p.startsWith("db "));
        // The ARM emulator saw the token (as Authorization) and neither the principal's secret nor the private key.
        assertThat(fleet.arm().requests())
                .allMatch(r -> ("Bearer " + fleet.armToken()).equals(r.authorization()))
                .noneMatch(r ->
                        r.body().contains(fleet.principalSecret()) || r.body().contains(privateKey));
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private String databaseText() {
        return io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().call(() -> {
            @SuppressWarnings("unchecked")
            List<Object> rows = entityManager.createNativeQuery("""
                    select concat_ws(' ', plan, failure_reason) from execution
                    union all select concat_ws(' ', detail, record, operation) from execution_step
                    union all select payload from outbox_event""").getResultList();
            return String.join("\n", rows.stream().map(String::valueOf).toList());
        });
    }

    @SuppressWarnings("unchecked")
    private static Object property(Map<String, Object> resource, String name) {
        return ((Map<String, Object>) resource.get("properties")).get(name);
    }

    private static String secretValue(KubernetesClient cluster, String namespace, String name, String key) {
        GenericKubernetesResource secret = cluster.genericKubernetesResources("v1", "Secret")
                .inNamespace(namespace)
                .withName(name)
                .get();
        assertThat(secret).as("Secret " + namespace + "/" + name).isNotNull();
        Object data = secret.getAdditionalProperties().get("data");
        if (data instanceof Map<?, ?> map && map.get(key) != null) {
            return new String(Base64.getDecoder().decode(map.get(key).toString()), StandardCharsets.UTF_8);
        }
        return String.valueOf(((Map<?, ?>) secret.getAdditionalProperties().get("stringData")).get(key));
    }

    /**
     * A distinctive slice of the PEM body (the base64 of the key), which is what a leak would contain: from its end,
     * where the primes and exponents are (its start is the modulus, which the public key carries too).
     */
    private static String privateKeyBody(String pem) {
        String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return body.substring(body.length() - 200, body.length() - 120);
    }

    private static OnboardingPlan revise(OnboardingPlan plan, String revision) {
        return new OnboardingPlan(
                UUID.randomUUID().toString(),
                plan.correlationId(),
                Instant.now(),
                plan.planId(),
                revision,
                plan.route(),
                plan.target(),
                plan.nodeIds(),
                plan.capabilities(),
                plan.dependsOn(),
                null,
                plan.policyVersion(),
                plan.parameters());
    }

    /** The sum over all label sets of one metric on the service's Prometheus endpoint (0 when absent). */
    private static double metricSum(String name) {
        return metricLines().stream()
                .filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    private static List<String> metricLines() {
        return RestAssured.given()
                .when()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .extract()
                .asString()
                .lines()
                .toList();
    }
}
