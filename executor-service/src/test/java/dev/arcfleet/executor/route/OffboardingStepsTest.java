package dev.arcfleet.executor.route;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arcfleet.contracts.Capability;
import dev.arcfleet.contracts.OnboardingPlan;
import dev.arcfleet.contracts.Route;
import dev.arcfleet.contracts.Target;
import dev.arcfleet.contracts.TargetKind;
import dev.arcfleet.executor.route.arck8s.ArcK8sSteps;
import dev.arcfleet.executor.route.companionvm.CompanionVmSteps;
import dev.arcfleet.executor.route.iotops.IotOperationsSteps;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each route's offboarding, as plain Java: it removes what its onboarding built, in the order the Azure tools use. */
class OffboardingStepsTest {
    static final AzureTarget AZURE = RouteContractTest.AZURE;

    private static OnboardingPlan clusterPlan(Route route, List<Capability> capabilities) {
        return new OnboardingPlan(
                "e1",
                "c1",
                Instant.now(),
                "plan-1",
                "r1",
                route,
                new Target(TargetKind.CLUSTER, "ghent"),
                List.of("ghent/n1"),
                capabilities,
                List.of(),
                null,
                "p1",
                Map.of("distribution", "k3s"));
    }

    private static OnboardingPlan nodePlan() {
        return new OnboardingPlan(
                "e1",
                "c1",
                Instant.now(),
                "plan-2",
                "r1",
                Route.COMPANION_VM,
                new Target(TargetKind.NODE, "lyon/talos-w1"),
                List.of("lyon/talos-w1"),
                List.of(Capability.EXTENSIONS),
                List.of(),
                null,
                "p1",
                Map.of("clusterId", "lyon", "hostNode", "talos-w1"));
    }

    private static List<String> putIds(List<StepSpec> steps) {
        return steps.stream()
                .flatMap(s -> s.arm().stream())
                .filter(r -> "PUT".equals(r.method()))
                .map(ArmRequest::resourceId)
                .toList();
    }

    private static List<String> deleteIds(List<StepSpec> steps) {
        return steps.stream()
                .flatMap(s -> s.arm().stream())
                .filter(r -> ArmRequest.DELETE.equals(r.method()))
                .map(ArmRequest::resourceId)
                .toList();
    }

    @Test
    void anOffboardingPlanGetsItsRoutesOffboardingSteps() {
        ArcK8sSteps route = new ArcK8sSteps(RouteContractTest.AGENTS, null);
        OnboardingPlan plan = clusterPlan(Route.ARC_K8S, List.of(Capability.GITOPS));
        assertThat(route.stepsFor(plan, AZURE)).isEqualTo(route.steps(plan, AZURE));
        OnboardingPlan off = plan.toOffboard("e2", "r1-off", Instant.now());
        assertThat(route.stepsFor(off, AZURE))
                .isEqualTo(route.offboardingSteps(off, AZURE))
                .allSatisfy(s -> assertThat(s.arm()).noneMatch(r -> "PUT".equals(r.method())));
    }

    @Test
    void arcK8sRefusesFirstThenDeletesExtensionsThenTheClusterThenUninstallsTheAgentsAndTheirNamespaces() {
        ArcK8sSteps route = new ArcK8sSteps(RouteContractTest.AGENTS, null);
        OnboardingPlan plan = clusterPlan(
                Route.ARC_K8S, List.of(Capability.POLICY, Capability.MONITOR, Capability.GITOPS, Capability.DEFENDER));
        List<StepSpec> steps = route.offboardingSteps(plan, AZURE);
        assertThat(steps)
                .extracting(StepSpec::name)
                .containsExactly(
                        "require-agents-of-this-cluster",
                        "delete-extension-microsoft-azuredefender-kubernetes",
                        "delete-extension-flux",
                        "delete-extension-azuremonitor-containers",
                        "delete-monitor-data-collection-rule-association",
                        "delete-monitor-data-collection-rule",
                        "delete-extension-azurepolicy",
                        "delete-connected-cluster",
                        "uninstall-arc-agents",
                        "await-agents-uninstalled",
                        "revoke-uninstaller-rights",
                        "delete-agent-namespaces");
        assertThat(steps.get(0).guardMode()).isEqualTo(StepSpec.GuardMode.IF_CONNECTED_HERE);
        assertThat(steps.get(0).arm()).isEmpty();
        assertThat(steps.get(0).kube()).isEmpty();
        assertThat(steps.get(8).guardMode()).isEqualTo(StepSpec.GuardMode.IF_CONNECTED_HERE);
        assertThat(steps.get(8).kube().get(2).manifest().toString())
                .contains("args=[uninstall, azure-arc, --namespace," + " azure-arc-release");
        assertThat(steps.get(11).kube()).extracting(KubeObject::name).containsExactly("azure-arc", "azure-arc-release");
        assertThat(steps.get(11).kube()).allMatch(k -> k.action() == KubeAction.DELETE);

        // everything onboarding PUT is deleted, except the resource group and the region's shared workspace
        List<String> built = new ArrayList<>(putIds(route.steps(plan, AZURE)));
        built.removeIf(id -> id.equals(AZURE.resourceGroupId()) || id.contains("/workspaces/"));
        assertThat(deleteIds(steps)).containsExactlyInAnyOrderElementsOf(built);
        // the connected cluster goes after every resource under it
        String cc = ArcK8sSteps.connectedClusterId(AZURE, "ghent");
        assertThat(deleteIds(steps)).last().isEqualTo(cc);
    }

    @Test
    void companionVmDeletesTheMachinesExtensionsThenTheMachineThenTheVmAndItsSecrets() {
        CompanionVmSteps route = new CompanionVmSteps("img", 1, 1024, Duration.ofSeconds(5));
        List<StepSpec> steps = route.offboardingSteps(nodePlan(), AZURE);
        String vm = CompanionVmSteps.vmName("lyon/talos-w1");
        String machine = AZURE.providerResourceId("Microsoft.HybridCompute", "machines", vm);
        assertThat(steps)
                .extracting(StepSpec::name)
                .containsExactly(
                        "delete-machine-extensions",
                        "delete-arc-machine",
                        "delete-companion-vm",
                        "await-vm-deleted",
                        "delete-companion-secrets");
        assertThat(steps.get(0).arm())
                .containsExactly(ArmRequest.deleteEach(machine + "/extensions", ApiVersions.HYBRID_MACHINES));
        assertThat(steps.get(1).arm()).containsExactly(ArmRequest.delete(machine, ApiVersions.HYBRID_MACHINES));
        assertThat(steps.get(2).kube())
                .extracting(KubeObject::kind, KubeObject::name, KubeObject::action)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("VirtualMachine", vm, KubeAction.DELETE));
        assertThat(steps.get(3).waitFor().expectedValue()).isNull();
        assertThat(steps.get(3).waitFor().absentIsDone()).isTrue();
        assertThat(steps.get(4).kube())
                .extracting(KubeObject::name)
                .containsExactly(vm + "-cloudinit", vm + "-onboarding");
        assertThat(steps).flatExtracting(StepSpec::kube).noneMatch(k -> "Namespace".equals(k.kind()));
    }

    @Test
    void iotOperationsDeletesDeepestFirstThenTheCustomLocationThenTheExtensionsThenTheRegistry() {
        IotOperationsSteps route = new IotOperationsSteps(Duration.ofSeconds(5));
        OnboardingPlan plan = clusterPlan(Route.IOT_OPERATIONS, List.of(Capability.EDGE_DATA));
        List<StepSpec> steps = route.offboardingSteps(plan, AZURE);
        List<String> deleted = deleteIds(steps);
        assertThat(deleted).containsExactlyInAnyOrderElementsOf(putIds(route.steps(plan, AZURE)));
        // az iot ops delete's batches: deeper resource ids before shallower ones, then the custom location, then
        // extensions
        String instance = AZURE.providerResourceId("Microsoft.IoTOperations", "instances", "ghent-aio");
        List<String> instanceTree =
                deleted.stream().filter(id -> id.startsWith(instance)).toList();
        assertThat(instanceTree).last().isEqualTo(instance);
        for (int i = 1; i < instanceTree.size(); i++) {
            assertThat(instanceTree.get(i - 1).split("/").length)
                    .isGreaterThanOrEqualTo(instanceTree.get(i).split("/").length);
        }
        int customLocation = indexOf(deleted, "/customLocations/ghent-cl");
        assertThat(customLocation).isGreaterThan(deleted.indexOf(instance));
        assertThat(indexOf(deleted, "/extensions/azure-iot-operations")).isGreaterThan(customLocation);
        assertThat(indexOf(deleted, "/extensions/azure-iot-operations-platform"))
                .isGreaterThan(indexOf(deleted, "/extensions/azure-secret-store"))
                .isGreaterThan(indexOf(deleted, "/extensions/azure-iot-operations"));
        assertThat(indexOf(deleted, "/schemaRegistries/ghent-schemas"))
                .isGreaterThan(indexOf(deleted, "/extensions/azure-iot-operations-platform"));
        assertThat(deleted).last().asString().contains("/storageAccounts/");
    }

    @Test
    void theOffboardingGuardRunsWhereTheAgentsAreOursAndRefusesWithTheCliWordsWhereTheyAreNot() {
        ArcConnection guard = new ArcConnection("sub-1", "rg-1", "ghent");
        assertThat(guard.judgeOffboarding(null).state()).isEqualTo(ArcConnection.State.NOT_CONNECTED);
        assertThat(guard.judgeOffboarding(Map.of(
                                "AZURE_SUBSCRIPTION_ID",
                                "SUB-1",
                                "AZURE_RESOURCE_GROUP",
                                "rg-1",
                                "AZURE_RESOURCE_NAME",
                                "GHENT"))
                        .state())
                .isEqualTo(ArcConnection.State.THIS_RESOURCE);
        for (Map<String, String> other : List.of(
                Map.of(
                        "AZURE_SUBSCRIPTION_ID",
                        "sub-2",
                        "AZURE_RESOURCE_GROUP",
                        "rg-1",
                        "AZURE_RESOURCE_NAME",
                        "ghent"),
                Map.of(
                        "AZURE_SUBSCRIPTION_ID",
                        "sub-1",
                        "AZURE_RESOURCE_GROUP",
                        "rg-2",
                        "AZURE_RESOURCE_NAME",
                        "ghent"),
                Map.of(
                        "AZURE_SUBSCRIPTION_ID",
                        "sub-1",
                        "AZURE_RESOURCE_GROUP",
                        "rg-1",
                        "AZURE_RESOURCE_NAME",
                        "gent"))) {
            ArcConnection.Verdict verdict = guard.judgeOffboarding(other);
            assertThat(verdict.state()).as(other.toString()).isEqualTo(ArcConnection.State.OTHER_RESOURCE);
            assertThat(verdict.detail())
                    .contains("does not correspond to the connected cluster resource specified")
                    .contains("resource group name '" + other.get("AZURE_RESOURCE_GROUP") + "'")
                    .contains("resource name '" + other.get("AZURE_RESOURCE_NAME") + "'")
                    .contains("nothing was deleted");
        }
    }

    /** The position of the one id that ends with {@code suffix}. */
    private static int indexOf(List<String> ids, String suffix) {
        List<Integer> found = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            if (ids.get(i).endsWith(suffix)) {
                found.add(i);
            }
        }
        assertThat(found).as(suffix).hasSize(1);
        return found.get(0);
    }
}
