package dev.arcfleet.executor.route.companionvm;

import dev.arcfleet.contracts.OnboardingPlan;
import dev.arcfleet.contracts.Route;
import dev.arcfleet.executor.route.ApiVersions;
import dev.arcfleet.executor.route.ArmRequest;
import dev.arcfleet.executor.route.AzureTarget;
import dev.arcfleet.executor.route.KubeObject;
import dev.arcfleet.executor.route.Names;
import dev.arcfleet.executor.route.RouteSteps;
import dev.arcfleet.executor.route.StepSpec;
import dev.arcfleet.executor.route.WaitFor;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A small Linux VM on the immutable host (KubeVirt), running azcmagent: full Arc-enabled servers behaviour for the
 * companion, the host untouched. The service principal's secret reaches the VM only through a Kubernetes Secret.
 */
public class CompanionVmSteps implements RouteSteps {
    public static final String NAMESPACE = "arc-companions";
    /** Filled at execution time from the onboarding service principal's mounted file; never recorded. */
    public static final String SP_CLIENT_ID = "${onboardingClientId}";
    public static final String SP_CLIENT_SECRET = "${onboardingClientSecret}";
    public static final String SP_TENANT_ID = "${onboardingTenantId}";
    public static final Duration VM_READY_TIMEOUT = Duration.ofMinutes(10);
    public static final Duration MACHINE_CONNECTED_TIMEOUT = Duration.ofMinutes(15);

    private final String containerDiskImage;
    private final int vmCores;
    private final int vmMemoryMiB;

    public CompanionVmSteps(String containerDiskImage, int vmCores, int vmMemoryMiB) {
        this.containerDiskImage = containerDiskImage;
        this.vmCores = vmCores;
        this.vmMemoryMiB = vmMemoryMiB;
    }

    @Override
    public Route route() {
        return Route.COMPANION_VM;
    }

    public static String vmName(String nodeId) {
        return Names.dns("arc-" + nodeId, 63);
    }

    @Override
    public List<StepSpec> steps(OnboardingPlan plan, AzureTarget azure) {
        Map<String, String> params = plan.parameters() == null ? Map.of() : plan.parameters();
        String nodeId = plan.target().id();
        String vm = vmName(nodeId);
        String hostNode = params.getOrDefault("hostNode", nodeId.substring(nodeId.lastIndexOf('/') + 1));
        String machineId = azure.providerResourceId("Microsoft.HybridCompute", "machines", vm);
        return List.of(
                StepSpec.arm("ensure-resource-group",
                        ArmRequest.put(azure.resourceGroupId(), ApiVersions.RESOURCE_GROUPS, Map.of("location", azure.location()))),
                StepSpec.kube("ensure-onboarding-secret", onboardingSecret(vm, nodeId, params, azure)),
                StepSpec.kube("apply-companion-vm", virtualMachine(vm, hostNode)),
                StepSpec.await("await-vm-ready",
                        WaitFor.kube("kubevirt.io/v1", NAMESPACE, "VirtualMachine", vm, "status.ready", "true", VM_READY_TIMEOUT)),
                StepSpec.await("await-machine-connected",
                        WaitFor.arm(machineId, ApiVersions.HYBRID_MACHINES, "properties.status", "Connected",
                                MACHINE_CONNECTED_TIMEOUT)));
    }

    private static KubeObject onboardingSecret(String vm, String nodeId, Map<String, String> params, AzureTarget azure) {
        String userData = String.join("\n",
                "#cloud-config",
                "runcmd:",
                "  - curl -sSL -o /tmp/install_linux_azcmagent.sh https://gbl.his.arc.azure.com/azcmagent-linux",
                "  - bash /tmp/install_linux_azcmagent.sh",
                "  - azcmagent connect --service-principal-id \"$(cat /run/arc/sp/client-id)\""
                        + " --service-principal-secret \"$(cat /run/arc/sp/client-secret)\""
                        + " --tenant-id \"$(cat /run/arc/sp/tenant-id)\""
                        + " --subscription-id " + azure.subscriptionId()
                        + " --resource-group " + azure.resourceGroup()
                        + " --location " + azure.location()
                        + " --resource-name " + vm
                        + " --tags arcfleet.dev/host=" + nodeId
                        + (params.containsKey("clusterId") ? ",arcfleet.dev/cluster=" + params.get("clusterId") : ""));
        Map<String, Object> manifest = Map.of(
                "apiVersion", "v1", "kind", "Secret",
                "metadata", Map.of("name", vm + "-onboarding", "namespace", NAMESPACE),
                "type", "Opaque",
                "stringData", Map.of(
                        "userdata", userData,
                        "client-id", SP_CLIENT_ID,
                        "client-secret", SP_CLIENT_SECRET,
                        "tenant-id", SP_TENANT_ID));
        return new KubeObject("v1", "Secret", NAMESPACE, vm + "-onboarding", manifest, true);
    }

    private KubeObject virtualMachine(String vm, String hostNode) {
        Map<String, Object> domain = Map.of(
                "cpu", Map.of("cores", vmCores),
                "memory", Map.of("guest", vmMemoryMiB + "Mi"),
                "devices", Map.of("disks", List.of(
                        Map.of("name", "root", "disk", Map.of("bus", "virtio")),
                        Map.of("name", "cloudinit", "disk", Map.of("bus", "virtio")))));
        Map<String, Object> manifest = Map.of(
                "apiVersion", "kubevirt.io/v1", "kind", "VirtualMachine",
                "metadata", Map.of("name", vm, "namespace", NAMESPACE,
                        "labels", Map.of("app.kubernetes.io/managed-by", "arc-fleet-onboarding")),
                "spec", Map.of(
                        "runStrategy", "Always",
                        "template", Map.of(
                                "metadata", Map.of("labels", Map.of("arcfleet.dev/companion", vm)),
                                "spec", Map.of(
                                        "nodeSelector", Map.of("kubernetes.io/hostname", hostNode),
                                        "domain", domain,
                                        "volumes", List.of(
                                                Map.of("name", "root", "containerDisk", Map.of("image", containerDiskImage)),
                                                Map.of("name", "cloudinit", "cloudInitNoCloud",
                                                        Map.of("secretRef", Map.of("name", vm + "-onboarding"))))))));
        return new KubeObject("kubevirt.io/v1", "VirtualMachine", NAMESPACE, vm, manifest, false);
    }
}
