package dev.arcfleet.executor.route.arck8s;

import dev.arcfleet.contracts.Capability;
import dev.arcfleet.contracts.OnboardingPlan;
import dev.arcfleet.contracts.Route;
import dev.arcfleet.executor.route.ApiVersions;
import dev.arcfleet.executor.route.ArcConnection;
import dev.arcfleet.executor.route.ArmRequest;
import dev.arcfleet.executor.route.AzureTarget;
import dev.arcfleet.executor.route.KubeAction;
import dev.arcfleet.executor.route.KubeObject;
import dev.arcfleet.executor.route.Names;
import dev.arcfleet.executor.route.RoutePlaceholders;
import dev.arcfleet.executor.route.RouteSteps;
import dev.arcfleet.executor.route.StepSpec;
import dev.arcfleet.executor.route.WaitFor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Arc-enabled Kubernetes for one cluster, as {@code az connectedk8s connect} does it (docs/azure-contract.md, "Arc
 * agents"): the agents' namespace and private key Secret owned by the {@code azure-arc} Helm release, the connected
 * cluster in ARM with the matching PKCS#1 public key, the agents' chart at a pinned version installed by an in-cluster
 * Job whose cluster-admin rights exist only while it runs, then one extension per capability with the settings it needs.
 * A cluster whose agents already belong to this connected cluster is adopted as it is; one whose agents belong to
 * another connected cluster is refused.
 */
public class ArcK8sSteps implements RouteSteps {
    /** Stands for the agent public key, derived at execution time from the private key in the cluster's Secret. */
    public static final String AGENT_PUBLIC_KEY = "${agentPublicKey}";
    /** Stands for a newly generated agent private key; resolved only while the Secret is written to the cluster. */
    public static final String AGENT_PRIVATE_KEY = "${agentPrivateKey}";
    /** Where {@code az connectedk8s connect} puts the key for agents 1.35.3 and later, and where the chart reads it. */
    public static final String AGENT_KEY_SECRET = "azure-arc-connect-privatekey";

    public static final String AGENT_KEY_FIELD = "privateKey";
    /** The Helm release's namespace; the agents themselves run in {@link ArcConnection#NAMESPACE}. */
    public static final String RELEASE_NAMESPACE = "azure-arc-release";

    public static final String RELEASE = "azure-arc";
    public static final String INSTALLER = "arc-agent-installer";
    public static final String INSTALL_JOB = "arc-agent-install";
    /** The Job that runs {@code helm uninstall azure-arc} when the cluster is offboarded. */
    public static final String UNINSTALL_JOB = "arc-agent-uninstall";
    /** The lowest agent version that reads its key from {@link #AGENT_KEY_SECRET} (older ones take it as a Helm value). */
    public static final String MIN_AGENT_VERSION = "1.35.3";

    public static final Duration CONNECT_TIMEOUT = Duration.ofMinutes(15);
    /** {@code az connectedk8s connect}'s default onboarding timeout (1,200 s), plus the Job's start. */
    public static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(25);

    public static final int INSTALL_JOB_TTL_SECONDS = 3600;

    private final Agents agents;
    /** The Log Analytics workspace for container insights and Defender; null: one per region in the target group. */
    private final String workspaceId;

    /**
     * The agents' chart and how to install it: {@code chart} an OCI reference, {@code version} pinned (never the
     * latest), the Helm image of the install Job, the Azure cloud name the chart takes, the tenant, and the object id of
     * the Custom Locations service principal in that tenant (needed only on clusters that host IoT Operations).
     */
    public record Agents(
            String chart,
            String version,
            String installerImage,
            String azureEnvironment,
            String tenantId,
            String customLocationsObjectId) {
        public Agents {
            if (version == null || version.isBlank()) {
                throw new IllegalArgumentException(
                        "the Arc agents' chart version must be pinned (executor.agents.chart-version)");
            }
            if (compareVersions(version, MIN_AGENT_VERSION) < 0) {
                throw new IllegalArgumentException("Arc agents " + version
                        + " read their private key from a Helm value, "
                        + "which would put it in the install Job's spec; pin " + MIN_AGENT_VERSION + " or later");
            }
        }
    }

    public ArcK8sSteps(Agents agents, String workspaceId) {
        this.agents = agents;
        this.workspaceId = workspaceId;
    }

    @Override
    public Route route() {
        return Route.ARC_K8S;
    }

    @Override
    public RoutePlaceholders placeholders() {
        return new ArcK8sPlaceholders();
    }

    public static String connectedClusterName(String clusterId) {
        return Names.dns(clusterId, 63);
    }

    public static String connectedClusterId(AzureTarget azure, String clusterId) {
        return azure.providerResourceId("Microsoft.Kubernetes", "connectedClusters", connectedClusterName(clusterId));
    }

    /** True when IoT Operations will run on the cluster: it needs the OIDC issuer, workload identity and custom locations. */
    static boolean hostsIotOperations(OnboardingPlan plan) {
        return plan.capabilities() != null && plan.capabilities().contains(Capability.EDGE_DATA);
    }

    @Override
    public List<StepSpec> steps(OnboardingPlan plan, AzureTarget azure) {
        String clusterId = plan.target().id();
        String ccId = connectedClusterId(azure, clusterId);
        ArcConnection connection =
                new ArcConnection(azure.subscriptionId(), azure.resourceGroup(), connectedClusterName(clusterId));
        Map<String, String> params = plan.parameters() == null ? Map.of() : plan.parameters();
        String distribution = params.getOrDefault("distribution", "generic");
        String infrastructure = params.getOrDefault("infrastructure", "generic");
        boolean iot = hostsIotOperations(plan);
        List<StepSpec> steps = new ArrayList<>();
        // the cluster is looked at before anything is written: one connected elsewhere is refused untouched
        steps.add(StepSpec.kube(
                        "ensure-namespaces",
                        namespace(RELEASE_NAMESPACE, false),
                        namespace(ArcConnection.NAMESPACE, true))
                .unlessConnected(connection));
        steps.add(StepSpec.kube("ensure-agent-key-secret", agentKeySecret()).unlessConnected(connection));
        steps.add(StepSpec.arm(
                "ensure-resource-group",
                ArmRequest.put(
                        azure.resourceGroupId(), ApiVersions.RESOURCE_GROUPS, Map.of("location", azure.location()))));
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("agentPublicKeyCertificate", AGENT_PUBLIC_KEY);
        properties.put("distribution", distribution);
        properties.put("infrastructure", infrastructure);
        if (iot) {
            properties.put("oidcIssuerProfile", Map.of("enabled", true));
            properties.put("securityProfile", Map.of("workloadIdentity", Map.of("enabled", true)));
        }
        steps.add(StepSpec.arm(
                "put-connected-cluster",
                ArmRequest.put(
                        ccId,
                        ApiVersions.CONNECTED_CLUSTERS,
                        Map.of(
                                "location", azure.location(),
                                "identity", Map.of("type", "SystemAssigned"),
                                "tags", Map.of("arcfleet.dev/cluster", clusterId, "arcfleet.dev/plan", plan.planId()),
                                "properties", properties))));
        if (iot
                && (agents.customLocationsObjectId() == null
                        || agents.customLocationsObjectId().isBlank())) {
            steps.add(StepSpec.refused(
                    "install-arc-agents",
                    "cluster " + clusterId + " hosts IoT Operations, which needs"
                            + " custom locations, and executor.agents.custom-locations-object-id is not set (az ad sp show --id"
                            + " bc313c14-388c-4e7d-a58e-70017303ee3b --query id -o tsv gives it)"));
        } else {
            steps.add(new StepSpec(
                            "install-arc-agents",
                            List.of(),
                            installerObjects(azure, connection.resourceName(), distribution, infrastructure, iot),
                            null)
                    .unlessConnected(connection));
        }
        steps.add(StepSpec.await(
                "await-agents-installed",
                WaitFor.kube(
                                "batch/v1",
                                RELEASE_NAMESPACE,
                                "Job",
                                INSTALL_JOB,
                                "status.succeeded",
                                "1",
                                INSTALL_TIMEOUT)
                        .absentMeansDone()));
        steps.add(StepSpec.kube(
                "revoke-installer-rights",
                KubeObject.delete("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", null, INSTALLER),
                KubeObject.delete("v1", "ServiceAccount", RELEASE_NAMESPACE, INSTALLER)));
        steps.add(StepSpec.await(
                "await-connected",
                WaitFor.arm(
                        ccId,
                        ApiVersions.CONNECTED_CLUSTERS,
                        "properties.connectivityStatus",
                        "Connected",
                        CONNECT_TIMEOUT)));
        for (Capability capability : plan.capabilities() == null ? List.<Capability>of() : plan.capabilities()) {
            for (StepSpec step : Extensions.steps(capability, ccId, azure, workspaceId)) {
                if (steps.stream().noneMatch(s -> s.name().equals(step.name()))) {
                    steps.add(step); // container insights and Defender share one workspace step
                }
            }
        }
        return steps;
    }

    /**
     * What {@code az connectedk8s delete} does, in its order (docs/offboarding-sources.md, section 1), with the cluster
     * extensions deleted first as {@code az k8s-extension delete} does (section 2) rather than left to ARM's cascade:
     * refuse untouched a cluster whose agents belong to another connected cluster; the extensions (and container
     * insights' rule association and rule); the connected cluster, its DELETE awaited; then Helm's uninstall of the
     * {@code azure-arc} release, run as onboarding installed it, by a Job whose cluster-admin exists only while it
     * runs; then the {@code azure-arc} and {@code azure-arc-release} namespaces. The resource group and a shared
     * Log Analytics workspace stay.
     */
    @Override
    public List<StepSpec> offboardingSteps(OnboardingPlan plan, AzureTarget azure) {
        String clusterId = plan.target().id();
        String ccId = connectedClusterId(azure, clusterId);
        ArcConnection connection =
                new ArcConnection(azure.subscriptionId(), azure.resourceGroup(), connectedClusterName(clusterId));
        List<StepSpec> steps = new ArrayList<>();
        steps.add(
                new StepSpec("require-agents-of-this-cluster", List.of(), List.of(), null).ifConnectedHere(connection));
        List<Capability> capabilities = new ArrayList<>(plan.capabilities() == null ? List.of() : plan.capabilities());
        java.util.Collections.reverse(capabilities);
        for (Capability capability : capabilities) {
            for (StepSpec step : Extensions.offboardingSteps(capability, ccId, azure, workspaceId)) {
                if (steps.stream().noneMatch(s -> s.name().equals(step.name()))) {
                    steps.add(step);
                }
            }
        }
        steps.add(StepSpec.arm("delete-connected-cluster", ArmRequest.delete(ccId, ApiVersions.CONNECTED_CLUSTERS)));
        steps.add(new StepSpec("uninstall-arc-agents", List.of(), uninstallerObjects(), null)
                .ifConnectedHere(connection));
        steps.add(StepSpec.await(
                "await-agents-uninstalled",
                WaitFor.kube(
                                "batch/v1",
                                RELEASE_NAMESPACE,
                                "Job",
                                UNINSTALL_JOB,
                                "status.succeeded",
                                "1",
                                INSTALL_TIMEOUT)
                        .absentMeansDone()));
        steps.add(StepSpec.kube(
                "revoke-uninstaller-rights",
                KubeObject.delete("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", null, INSTALLER),
                KubeObject.delete("v1", "ServiceAccount", RELEASE_NAMESPACE, INSTALLER)));
        steps.add(StepSpec.kube(
                "delete-agent-namespaces",
                KubeObject.delete("v1", "Namespace", null, ArcConnection.NAMESPACE),
                KubeObject.delete("v1", "Namespace", null, RELEASE_NAMESPACE)));
        return steps;
    }

    /** Namespaces are created before anything is put in them; the agents' own carries the release's ownership. */
    private static KubeObject namespace(String name, boolean ownedByRelease) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", name);
        if (ownedByRelease) {
            metadata.putAll(helmOwnership());
        }
        return new KubeObject(
                "v1",
                "Namespace",
                null,
                name,
                Map.of("apiVersion", "v1", "kind", "Namespace", "metadata", metadata),
                false);
    }

    /** The labels and annotations by which Helm adopts an object it did not create into the {@code azure-arc} release. */
    static Map<String, Object> helmOwnership() {
        return Map.of(
                "labels",
                Map.of("app.kubernetes.io/managed-by", "Helm"),
                "annotations",
                Map.of("meta.helm.sh/release-name", RELEASE, "meta.helm.sh/release-namespace", RELEASE_NAMESPACE));
    }

    private static KubeObject agentKeySecret() {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", AGENT_KEY_SECRET);
        metadata.put("namespace", ArcConnection.NAMESPACE);
        metadata.putAll(helmOwnership());
        Map<String, Object> manifest = Map.of(
                "apiVersion",
                "v1",
                "kind",
                "Secret",
                "metadata",
                metadata,
                "type",
                "Opaque",
                "stringData",
                Map.of(AGENT_KEY_FIELD, AGENT_PRIVATE_KEY));
        return new KubeObject(
                "v1", "Secret", ArcConnection.NAMESPACE, AGENT_KEY_SECRET, manifest, true, KubeAction.CREATE_ONLY);
    }

    /**
     * The values {@code az connectedk8s connect} sets, with the identity values its data plane would otherwise supply,
     * each as the pair of arguments that sets it: strings with {@code --set-string} and escaped as Helm's parser reads
     * them (a ',' would start another value, a leading '{' a list), so a value from a plan is one string and nothing more;
     * the two switches with {@code --set}.
     */
    List<String> helmValues(
            AzureTarget azure, String resourceName, String distribution, String infrastructure, boolean iot) {
        List<String> values = new ArrayList<>();
        string(values, "global.subscriptionId", azure.subscriptionId());
        string(values, "global.resourceGroupName", azure.resourceGroup());
        string(values, "global.resourceName", resourceName);
        string(values, "global.location", azure.location());
        if (agents.tenantId() != null && !agents.tenantId().isBlank()) {
            string(values, "global.tenantId", agents.tenantId());
        }
        string(values, "global.kubernetesDistro", distribution);
        string(values, "global.kubernetesInfra", infrastructure);
        string(values, "global.azureEnvironment", agents.azureEnvironment());
        values.addAll(List.of("--set", "systemDefaultValues.spnOnboarding=false"));
        values.addAll(List.of("--set", "systemDefaultValues.clusterconnect-agent.enabled=true"));
        if (iot) {
            values.addAll(List.of("--set", "systemDefaultValues.customLocations.enabled=true"));
            string(values, "systemDefaultValues.customLocations.oid", agents.customLocationsObjectId());
        }
        return values;
    }

    private static void string(List<String> args, String key, String value) {
        args.add("--set-string");
        args.add(key + "=" + helmEscaped(value));
    }

    /** {@code value} as Helm's {@code --set} parser reads it back unchanged: '\', ',', '=', '{', '}', '[', ']' escaped. */
    public static String helmEscaped(String value) {
        StringBuilder out = new StringBuilder(value.length() + 8);
        for (char c : value.toCharArray()) {
            if ("\\,={}[]".indexOf(c) >= 0) {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }

    private List<KubeObject> installerObjects(
            AzureTarget azure, String resourceName, String distribution, String infrastructure, boolean iot) {
        List<String> args = new ArrayList<>(List.of(
                "upgrade",
                "--install",
                RELEASE,
                agents.chart(),
                "--version",
                agents.version(),
                "--namespace",
                RELEASE_NAMESPACE,
                "--create-namespace",
                "--wait",
                "--timeout",
                "1200s"));
        args.addAll(helmValues(azure, resourceName, distribution, infrastructure, iot));
        return helmJob(INSTALL_JOB, args);
    }

    /** {@code helm uninstall azure-arc}, as {@code az connectedk8s delete} runs {@code helm delete azure-arc}. */
    private List<KubeObject> uninstallerObjects() {
        return helmJob(
                UNINSTALL_JOB,
                List.of(
                        "uninstall",
                        RELEASE,
                        "--namespace",
                        RELEASE_NAMESPACE,
                        "--wait",
                        "--timeout",
                        "1200s",
                        "--ignore-not-found"));
    }

    /** The installer's account, its cluster-admin binding, and a Job running Helm with {@code args} under that account. */
    private List<KubeObject> helmJob(String jobName, List<String> args) {
        Map<String, Object> account = Map.of(
                "apiVersion",
                "v1",
                "kind",
                "ServiceAccount",
                "metadata",
                Map.of("name", INSTALLER, "namespace", RELEASE_NAMESPACE));
        Map<String, Object> binding = Map.of(
                "apiVersion",
                "rbac.authorization.k8s.io/v1",
                "kind",
                "ClusterRoleBinding",
                "metadata",
                Map.of("name", INSTALLER),
                "roleRef",
                Map.of("apiGroup", "rbac.authorization.k8s.io", "kind", "ClusterRole", "name", "cluster-admin"),
                "subjects",
                List.of(Map.of("kind", "ServiceAccount", "name", INSTALLER, "namespace", RELEASE_NAMESPACE)));
        Map<String, Object> container = Map.of("name", "helm", "image", agents.installerImage(), "args", args);
        Map<String, Object> job = Map.of(
                "apiVersion",
                "batch/v1",
                "kind",
                "Job",
                "metadata",
                Map.of("name", jobName, "namespace", RELEASE_NAMESPACE),
                "spec",
                Map.of(
                        "backoffLimit",
                        3,
                        "ttlSecondsAfterFinished",
                        INSTALL_JOB_TTL_SECONDS,
                        "template",
                        Map.of(
                                "spec",
                                Map.of(
                                        "serviceAccountName",
                                        INSTALLER,
                                        "restartPolicy",
                                        "Never",
                                        "containers",
                                        List.of(container)))));
        return List.of(
                new KubeObject("v1", "ServiceAccount", RELEASE_NAMESPACE, INSTALLER, account, false),
                new KubeObject("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", null, INSTALLER, binding, false),
                new KubeObject("batch/v1", "Job", RELEASE_NAMESPACE, jobName, job, false, KubeAction.REPLACE));
    }

    /** Compares dotted numeric versions ({@code 1.35.3}); a pre-release suffix counts as the version before it. */
    static int compareVersions(String a, String b) {
        String[] x = a.replaceFirst("-.*$", "").split("\\.");
        String[] y = b.replaceFirst("-.*$", "").split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int p = i < x.length ? parse(x[i]) : 0;
            int q = i < y.length ? parse(y[i]) : 0;
            if (p != q) {
                return Integer.compare(p, q);
            }
        }
        return 0;
    }

    private static int parse(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a version: " + s);
        }
    }
}
