package dev.arcfleet.executor.route.companionvm;

import dev.arcfleet.contracts.Ids;
import dev.arcfleet.contracts.OnboardingPlan;
import dev.arcfleet.contracts.Route;
import dev.arcfleet.executor.route.ApiVersions;
import dev.arcfleet.executor.route.ArmRequest;
import dev.arcfleet.executor.route.AzureTarget;
import dev.arcfleet.executor.route.KubeObject;
import dev.arcfleet.executor.route.Names;
import dev.arcfleet.executor.route.Placeholders;
import dev.arcfleet.executor.route.RoutePlaceholders;
import dev.arcfleet.executor.route.RouteSteps;
import dev.arcfleet.executor.route.StepSpec;
import dev.arcfleet.executor.route.WaitFor;
import dev.arcfleet.support.log.LogSafe;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small Linux VM on the immutable host (a KubeVirt {@code VirtualMachine} in the node's cluster, pinned to the node),
 * running azcmagent: full Arc-enabled servers behaviour for the companion, the host untouched. KubeVirt hands
 * cloud-init only the {@code userdata} key of the Secret it names (docs/azure-contract.md, "Companion VM"), so the
 * user data holds no secret and no value from the plan: it mounts a second Secret, attached as a disk with a known
 * serial, and runs {@code azcmagent connect --config} on the JSON file there, which holds the service principal
 * (azcmagent's documented way to keep the secret off the command line).
 */
public class CompanionVmSteps implements RouteSteps {
    public static final String NAMESPACE = "arc-companions";
    /** Filled at execution time from the onboarding service principal's mounted file; never recorded. */
    public static final String SP_CLIENT_ID = "${onboardingClientId}";

    public static final String SP_CLIENT_SECRET = "${onboardingClientSecret}";
    public static final String SP_TENANT_ID = "${onboardingTenantId}";
    /** The serial of the disk that carries the onboarding Secret (at most 20 characters, as virtio disks keep). */
    public static final String ONBOARDING_DISK_SERIAL = "ARCONBOARDING";

    public static final String CONFIG_FILE = "azcmagent.json";
    public static final Duration VM_READY_TIMEOUT = Duration.ofMinutes(10);
    public static final Duration MACHINE_CONNECTED_TIMEOUT = Duration.ofMinutes(15);
    /** The user data of every companion VM: constant, so nothing a plan says can reach a shell. */
    public static final String USER_DATA = String.join(
            "\n",
            "#cloud-config",
            "runcmd:",
            "  - [mkdir, -p, /run/arc-onboarding]",
            "  - [sh, -c, 'mount -o ro \"$(find /dev/disk/by-id/ -name \"*" + ONBOARDING_DISK_SERIAL
                    + "\" | head -n 1)\" /run/arc-onboarding']",
            "  - [curl, -sSL, -o, /tmp/install_linux_azcmagent.sh, 'https://gbl.his.arc.azure.com/azcmagent-linux']",
            "  - [bash, /tmp/install_linux_azcmagent.sh]",
            "  - [azcmagent, connect, --config, /run/arc-onboarding/" + CONFIG_FILE + "]",
            "  - [umount, /run/arc-onboarding]",
            "");

    private final String containerDiskImage;
    private final int vmCores;
    private final int vmMemoryMiB;
    /** How long to wait for the host node before failing: only an operator can make it appear. */
    private final Duration operatorCheckTimeout;

    public CompanionVmSteps(String containerDiskImage, int vmCores, int vmMemoryMiB, Duration operatorCheckTimeout) {
        this.containerDiskImage = containerDiskImage;
        this.vmCores = vmCores;
        this.vmMemoryMiB = vmMemoryMiB;
        this.operatorCheckTimeout = operatorCheckTimeout;
    }

    @Override
    public Route route() {
        return Route.COMPANION_VM;
    }

    @Override
    public RoutePlaceholders placeholders() {
        return new CompanionVmPlaceholders();
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
        if (!Ids.valid(Ids.LABEL_VALUE, hostNode)) {
            // it would stand in the VM's kubernetes.io/hostname node selector: a label value, or nothing
            return List.of(StepSpec.refused(
                    "require-host-node",
                    "hostNode " + quoted(hostNode) + " is not a Kubernetes"
                            + " node name that fits a label value (at most 63 of A-Za-z0-9._-, beginning and ending with a letter"
                            + " or digit); no VM can be pinned to it"));
        }
        return List.of(
                StepSpec.await(
                        "require-host-node",
                        WaitFor.kube("v1", null, "Node", hostNode, "metadata.name", hostNode, operatorCheckTimeout)
                                .withHint(
                                        "cluster " + params.getOrDefault("clusterId", "?") + " has no node " + hostNode
                                                + ", so no VM can be pinned to it; register the node under its Kubernetes node name")),
                StepSpec.arm(
                        "ensure-resource-group",
                        ArmRequest.put(
                                azure.resourceGroupId(),
                                ApiVersions.RESOURCE_GROUPS,
                                Map.of("location", azure.location()))),
                StepSpec.kube(
                        "ensure-namespace",
                        new KubeObject(
                                "v1",
                                "Namespace",
                                null,
                                NAMESPACE,
                                Map.of("apiVersion", "v1", "kind", "Namespace", "metadata", Map.of("name", NAMESPACE)),
                                false)),
                StepSpec.kube(
                        "ensure-onboarding-secret", cloudInitSecret(vm), onboardingSecret(vm, nodeId, params, azure)),
                StepSpec.kube("apply-companion-vm", virtualMachine(vm, hostNode)),
                StepSpec.await(
                        "await-vm-ready",
                        WaitFor.kube(
                                "kubevirt.io/v1",
                                NAMESPACE,
                                "VirtualMachine",
                                vm,
                                "status.ready",
                                "true",
                                VM_READY_TIMEOUT)),
                StepSpec.await(
                        "await-machine-connected",
                        WaitFor.arm(
                                machineId,
                                ApiVersions.HYBRID_MACHINES,
                                "properties.status",
                                "Connected",
                                MACHINE_CONNECTED_TIMEOUT)),
                // The machine has its own identity now: the principal's secret leaves the cluster. A running guest
                // keeps its disks; a restart finds the Secret missing, is not ready, and the reconciler runs these
                // steps again from ensure-onboarding-secret.
                StepSpec.kube(
                        "remove-onboarding-secret", KubeObject.delete("v1", "Secret", NAMESPACE, vm + "-onboarding")));
    }

    /**
     * Removes the companion as Arc-enabled servers are removed (docs/offboarding-sources.md, section 3): the machine's
     * extensions first (whoever added them; they are not removed with the agent), then the
     * {@code Microsoft.HybridCompute/machines} resource (what {@code azcmagent disconnect} deletes in Azure), then the
     * VirtualMachine, waited for until KubeVirt's finalizer let it go (section 5), and its two Secrets. The
     * {@code arc-companions} namespace is shared by the cluster's companions and stays.
     */
    @Override
    public List<StepSpec> offboardingSteps(OnboardingPlan plan, AzureTarget azure) {
        String vm = vmName(plan.target().id());
        String machineId = azure.providerResourceId("Microsoft.HybridCompute", "machines", vm);
        return List.of(
                StepSpec.arm(
                        "delete-machine-extensions",
                        ArmRequest.deleteEach(machineId + "/extensions", ApiVersions.HYBRID_MACHINES)),
                StepSpec.arm("delete-arc-machine", ArmRequest.delete(machineId, ApiVersions.HYBRID_MACHINES)),
                StepSpec.kube(
                        "delete-companion-vm", KubeObject.delete("kubevirt.io/v1", "VirtualMachine", NAMESPACE, vm)),
                StepSpec.await(
                        "await-vm-deleted",
                        WaitFor.kubeGone("kubevirt.io/v1", NAMESPACE, "VirtualMachine", vm, VM_READY_TIMEOUT)),
                StepSpec.kube(
                        "delete-companion-secrets",
                        KubeObject.delete("v1", "Secret", NAMESPACE, vm + "-cloudinit"),
                        KubeObject.delete("v1", "Secret", NAMESPACE, vm + "-onboarding")));
    }

    private static KubeObject cloudInitSecret(String vm) {
        String name = vm + "-cloudinit";
        Map<String, Object> manifest = Map.of(
                "apiVersion",
                "v1",
                "kind",
                "Secret",
                "metadata",
                Map.of("name", name, "namespace", NAMESPACE),
                "type",
                "Opaque",
                "stringData",
                Map.of("userdata", USER_DATA));
        return new KubeObject("v1", "Secret", NAMESPACE, name, manifest, false);
    }

    /** azcmagent's configuration file: its long flag names as keys (docs/azure-contract.md, "Companion VM"). */
    public static String azcmagentConfig(String vm, String nodeId, Map<String, String> params, AzureTarget azure) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("tenant-id", SP_TENANT_ID);
        config.put("subscription-id", azure.subscriptionId());
        config.put("resource-group", azure.resourceGroup());
        config.put("location", azure.location());
        config.put("resource-name", vm);
        config.put("service-principal-id", SP_CLIENT_ID);
        config.put("service-principal-secret", SP_CLIENT_SECRET);
        config.put("cloud", "AzureCloud");
        config.put(
                "tags",
                "arcfleet.dev/host=" + tagValue(nodeId)
                        + (params.containsKey("clusterId")
                                ? ",arcfleet.dev/cluster=" + tagValue(params.get("clusterId"))
                                : ""));
        StringBuilder json = new StringBuilder("{");
        config.forEach((k, v) -> json.append(json.length() > 1 ? "," : "")
                .append('"')
                .append(k)
                .append("\":\"")
                .append(v.startsWith("${") ? v : Placeholders.jsonEscapedText(v))
                .append('"'));
        return json.append('}').toString();
    }

    /**
     * A tag value within azcmagent's {@code k=v,k=v} form: an id as it is when it is a plain id (no separator, no
     * placeholder, no control character), else its unique derived name.
     */
    private static String tagValue(String value) {
        return Ids.valid(Ids.NODE_ID, value) ? value : Names.dns(value, 63);
    }

    private static String quoted(String value) {
        String clipped = value.length() > 64 ? value.substring(0, 64) + "..." : value;
        return "'" + LogSafe.of(clipped) + "'";
    }

    private static KubeObject onboardingSecret(
            String vm, String nodeId, Map<String, String> params, AzureTarget azure) {
        String name = vm + "-onboarding";
        Map<String, Object> manifest = Map.of(
                "apiVersion",
                "v1",
                "kind",
                "Secret",
                "metadata",
                Map.of("name", name, "namespace", NAMESPACE),
                "type",
                "Opaque",
                "stringData",
                Map.of(CONFIG_FILE, azcmagentConfig(vm, nodeId, params, azure)));
        return new KubeObject("v1", "Secret", NAMESPACE, name, manifest, true);
    }

    private KubeObject virtualMachine(String vm, String hostNode) {
        Map<String, Object> domain = Map.of(
                "cpu", Map.of("cores", vmCores),
                "memory", Map.of("guest", vmMemoryMiB + "Mi"),
                "devices",
                        Map.of(
                                "disks",
                                List.of(
                                        Map.of("name", "root", "disk", Map.of("bus", "virtio")),
                                        Map.of("name", "cloudinit", "disk", Map.of("bus", "virtio")),
                                        Map.of(
                                                "name",
                                                "onboarding",
                                                "disk",
                                                Map.of("bus", "virtio"),
                                                "serial",
                                                ONBOARDING_DISK_SERIAL))));
        Map<String, Object> manifest = Map.of(
                "apiVersion",
                "kubevirt.io/v1",
                "kind",
                "VirtualMachine",
                "metadata",
                Map.of(
                        "name",
                        vm,
                        "namespace",
                        NAMESPACE,
                        "labels",
                        Map.of("app.kubernetes.io/managed-by", "arc-fleet-onboarding")),
                "spec",
                Map.of(
                        "runStrategy",
                        "Always",
                        "template",
                        Map.of(
                                "metadata", Map.of("labels", Map.of("arcfleet.dev/companion", vm)),
                                "spec",
                                        Map.of(
                                                "nodeSelector", Map.of("kubernetes.io/hostname", hostNode),
                                                "domain", domain,
                                                "volumes",
                                                        List.of(
                                                                Map.of(
                                                                        "name",
                                                                        "root",
                                                                        "containerDisk",
                                                                        Map.of("image", containerDiskImage)),
                                                                Map.of(
                                                                        "name",
                                                                        "cloudinit",
                                                                        "cloudInitNoCloud",
                                                                        Map.of(
                                                                                "secretRef",
                                                                                Map.of("name", vm + "-cloudinit"))),
                                                                Map.of(
                                                                        "name",
                                                                        "onboarding",
                                                                        "secret",
                                                                        Map.of("secretName", vm + "-onboarding")))))));
        return new KubeObject("kubevirt.io/v1", "VirtualMachine", NAMESPACE, vm, manifest, false);
    }
}
