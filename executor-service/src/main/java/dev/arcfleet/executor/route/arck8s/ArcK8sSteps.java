package dev.arcfleet.executor.route.arck8s;

import dev.arcfleet.contracts.Capability;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Arc-enabled Kubernetes for one cluster: connected cluster, agents in the cluster, one extension per capability. */
public class ArcK8sSteps implements RouteSteps {
    /** Stands for the agent public key, generated at execution time; the private key stays in the cluster's Secret. */
    public static final String AGENT_PUBLIC_KEY = "${agentPublicKey}";
    public static final String AGENT_PRIVATE_KEY = "${agentPrivateKey}";
    public static final String AGENT_KEY_SECRET = "arc-agent-key";
    public static final String ARC_NAMESPACE = "azure-arc-release";
    public static final Duration CONNECT_TIMEOUT = Duration.ofMinutes(15);

    private final String agentChart;
    private final String agentInstallerImage;

    public ArcK8sSteps(String agentChart, String agentInstallerImage) {
        this.agentChart = agentChart;
        this.agentInstallerImage = agentInstallerImage;
    }

    @Override
    public Route route() {
        return Route.ARC_K8S;
    }

    public static String connectedClusterId(AzureTarget azure, String clusterId) {
        return azure.providerResourceId("Microsoft.Kubernetes", "connectedClusters", Names.dns(clusterId, 63));
    }

    /** The cluster extension type that provides a capability, or null when the connected cluster itself provides it. */
    public static String extensionType(Capability capability) {
        return switch (capability) {
            case GITOPS -> "microsoft.flux";
            case POLICY -> "Microsoft.PolicyInsights";
            case MONITOR -> "microsoft.azuremonitor.containers";
            case DEFENDER -> "microsoft.azuredefender.kubernetes";
            default -> null;
        };
    }

    @Override
    public List<StepSpec> steps(OnboardingPlan plan, AzureTarget azure) {
        String clusterId = plan.target().id();
        String ccId = connectedClusterId(azure, clusterId);
        Map<String, String> params = plan.parameters() == null ? Map.of() : plan.parameters();
        List<StepSpec> steps = new ArrayList<>();
        steps.add(StepSpec.arm("ensure-resource-group",
                ArmRequest.put(azure.resourceGroupId(), ApiVersions.RESOURCE_GROUPS, Map.of("location", azure.location()))));
        steps.add(StepSpec.kube("ensure-agent-key-secret", agentKeySecret()));
        steps.add(StepSpec.arm("put-connected-cluster", ArmRequest.put(ccId, ApiVersions.CONNECTED_CLUSTERS, Map.of(
                "location", azure.location(),
                "identity", Map.of("type", "SystemAssigned"),
                "tags", Map.of("arcfleet.dev/cluster", clusterId, "arcfleet.dev/plan", plan.planId()),
                "properties", Map.of(
                        "agentPublicKeyCertificate", AGENT_PUBLIC_KEY,
                        "distribution", params.getOrDefault("distribution", "generic"),
                        "infrastructure", params.getOrDefault("infrastructure", "generic"))))));
        steps.add(new StepSpec("install-arc-agents", List.of(), installerObjects(ccId, azure), null));
        steps.add(StepSpec.await("await-connected",
                WaitFor.arm(ccId, ApiVersions.CONNECTED_CLUSTERS, "properties.connectivityStatus", "Connected", CONNECT_TIMEOUT)));
        for (Capability capability : plan.capabilities() == null ? List.<Capability>of() : plan.capabilities()) {
            String type = extensionType(capability);
            if (type != null) {
                steps.add(StepSpec.arm("extension-" + extensionName(type), extension(ccId, type)));
            }
        }
        return steps;
    }

    /** The extension's resource name: its type without the {@code microsoft.} prefix, DNS-safe. */
    public static String extensionName(String extensionType) {
        return Names.dns(extensionType.replaceFirst("(?i)^microsoft\\.", ""), 40);
    }

    public static ArmRequest extension(String connectedClusterId, String extensionType) {
        String name = extensionName(extensionType);
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("extensionType", extensionType);
        properties.put("autoUpgradeMinorVersion", true);
        properties.put("releaseTrain", "Stable");
        return ArmRequest.put(connectedClusterId + "/providers/Microsoft.KubernetesConfiguration/extensions/" + name,
                ApiVersions.CLUSTER_EXTENSIONS, Map.of("identity", Map.of("type", "SystemAssigned"), "properties", properties));
    }

    private static KubeObject agentKeySecret() {
        Map<String, Object> manifest = Map.of(
                "apiVersion", "v1", "kind", "Secret",
                "metadata", Map.of("name", AGENT_KEY_SECRET, "namespace", ARC_NAMESPACE),
                "type", "Opaque",
                "stringData", Map.of("privateKey", AGENT_PRIVATE_KEY, "publicKey", AGENT_PUBLIC_KEY));
        return new KubeObject("v1", "Secret", ARC_NAMESPACE, AGENT_KEY_SECRET, manifest, true);
    }

    private List<KubeObject> installerObjects(String connectedClusterId, AzureTarget azure) {
        Map<String, Object> namespace = Map.of("apiVersion", "v1", "kind", "Namespace",
                "metadata", Map.of("name", ARC_NAMESPACE));
        Map<String, Object> account = Map.of("apiVersion", "v1", "kind", "ServiceAccount",
                "metadata", Map.of("name", "arc-agent-installer", "namespace", ARC_NAMESPACE));
        Map<String, Object> binding = Map.of("apiVersion", "rbac.authorization.k8s.io/v1", "kind", "ClusterRoleBinding",
                "metadata", Map.of("name", "arc-agent-installer"),
                "roleRef", Map.of("apiGroup", "rbac.authorization.k8s.io", "kind", "ClusterRole", "name", "cluster-admin"),
                "subjects", List.of(Map.of("kind", "ServiceAccount", "name", "arc-agent-installer", "namespace", ARC_NAMESPACE)));
        Map<String, Object> container = Map.of(
                "name", "helm",
                "image", agentInstallerImage,
                "args", List.of("upgrade", "--install", "azure-arc", agentChart, "--namespace", ARC_NAMESPACE,
                        "--set", "global.subscriptionId=" + azure.subscriptionId(),
                        "--set", "global.resourceGroupName=" + azure.resourceGroup(),
                        "--set", "global.resourceName=" + connectedClusterId.substring(connectedClusterId.lastIndexOf('/') + 1),
                        "--set", "global.location=" + azure.location(),
                        "--set", "global.onboardingPrivateKeySecret=arc-agent-key"));
        Map<String, Object> job = Map.of("apiVersion", "batch/v1", "kind", "Job",
                "metadata", Map.of("name", "arc-agent-install", "namespace", ARC_NAMESPACE),
                "spec", Map.of("backoffLimit", 3, "template", Map.of("spec", Map.of(
                        "serviceAccountName", "arc-agent-installer",
                        "restartPolicy", "OnFailure",
                        "containers", List.of(container)))));
        return List.of(
                new KubeObject("v1", "Namespace", null, ARC_NAMESPACE, namespace, false),
                new KubeObject("v1", "ServiceAccount", ARC_NAMESPACE, "arc-agent-installer", account, false),
                new KubeObject("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", null, "arc-agent-installer", binding, false),
                new KubeObject("batch/v1", "Job", ARC_NAMESPACE, "arc-agent-install", job, false));
    }
}
