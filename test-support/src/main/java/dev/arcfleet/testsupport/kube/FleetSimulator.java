package dev.arcfleet.testsupport.kube;

import dev.arcfleet.testsupport.arm.ArmEmulator;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Plays what is outside the executor, the way it behaves for real: the Arc agents that the install Job deploys connect
 * their connected cluster (only once the agent key Secret holds a real key whose public half is the one registered on
 * the connected cluster); KubeVirt starts a companion VM (marks it
 * ready); azcmagent in the VM reads its cloud-init and service principal and registers its
 * {@code Microsoft.HybridCompute/machines} resource as Connected (only with real credentials, never placeholders);
 * Helm's uninstall Job removes the agents' release.
 */
public final class FleetSimulator implements AutoCloseable {
    public static final String RELEASE_NAMESPACE = "azure-arc-release";
    public static final String AGENT_NAMESPACE = "azure-arc";
    public static final String INSTALL_JOB = "arc-agent-install";
    public static final String UNINSTALL_JOB = "arc-agent-uninstall";
    public static final String KEY_SECRET = "azure-arc-connect-privatekey";
    public static final String COMPANION_NAMESPACE = "arc-companions";
    private static final Pattern CONFIG = Pattern.compile("azcmagent, connect, --config, ([^\\]\\s,]+)");
    private static final Pattern MOUNT_SERIAL = Pattern.compile("-name \\\\?\"\\*([A-Za-z0-9_.+-]+)\\\\?\"");
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    private final ArmEmulator arm;
    private final MockClusters clusters;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fleet-simulator");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, AtomicInteger> vmStarts = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> uninstalls = new ConcurrentHashMap<>();
    private final Map<String, String> problems = new ConcurrentHashMap<>();
    /** What each companion VM's azcmagent read from its Secret disk when it last started. */
    private final Map<String, Map<String, Object>> onboardingSettings = new ConcurrentHashMap<>();

    private final Set<String> connected = ConcurrentHashMap.newKeySet();
    /** Clusters whose install Job does not run yet, as on a cluster still pulling the chart's images. */
    private final Set<String> held = ConcurrentHashMap.newKeySet();

    /**
     * Per cluster, its API server's write count after a look that found nothing to do and wrote nothing: until someone
     * writes to that cluster again, a look would find the same, so none is taken (the agents' wait on a connected
     * cluster in ARM is looked at every time). Thirty clusters looked at every 100 ms were most of a live test's
     * requests.
     */
    private final Map<String, Integer> quietAt = new ConcurrentHashMap<>();

    private final Duration period;
    private final boolean companionVms;

    public FleetSimulator(ArmEmulator arm, MockClusters clusters) {
        this(arm, clusters, Duration.ofMillis(100), true);
    }

    /** {@code period}: how often each cluster is looked at; {@code companionVms=false} skips VMs (Arc-only runs). */
    public FleetSimulator(ArmEmulator arm, MockClusters clusters, Duration period, boolean companionVms) {
        this.arm = arm;
        this.clusters = clusters;
        this.period = period;
        this.companionVms = companionVms;
    }

    public FleetSimulator start() {
        timer.scheduleWithFixedDelay(this::tickSafely, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** How many times KubeVirt started a VM of this name (more than once: it was recreated). */
    public int vmStarts(String vmName) {
        AtomicInteger n = vmStarts.get(vmName);
        return n == null ? 0 : n.get();
    }

    /** What the simulated agents could not do and why (e.g. a placeholder where a secret should be), by object. */
    /** The azcmagent settings a companion VM read from its Secret disk when it last started, or null. */
    public Map<String, Object> onboardingSettings(String vm) {
        return onboardingSettings.get(vm);
    }

    /**
     * The agents' install Job on this cluster waits until {@link #release(String)}, as it would while a slow cluster
     * pulls the chart's images: the executor's wait for the Job goes on meanwhile.
     */
    public void hold(String clusterId) {
        held.add(clusterId);
    }

    /** The install Job held by {@link #hold(String)} runs now. */
    public void release(String clusterId) {
        held.remove(clusterId);
    }

    public Map<String, String> problems() {
        return Map.copyOf(problems);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    private void tickSafely() {
        Set<String> awaitingAgents = awaitingAgents();
        for (String clusterId : clusters.clusterIds()) {
            boolean agents = !connected.contains(clusterId)
                    && !held.contains(clusterId)
                    && (awaitingAgents == null || awaitingAgents.contains(clusterId));
            if (!agents && !companionVms) {
                continue;
            }
            int writes = clusters.writes(clusterId);
            if (!agents && Integer.valueOf(writes).equals(quietAt.get(clusterId))) {
                continue;
            }
            try {
                tick(clusterId, clusters.client(clusterId), agents);
                if (clusters.writes(clusterId) == writes) {
                    quietAt.put(clusterId, writes);
                } else {
                    quietAt.remove(clusterId);
                }
            } catch (RuntimeException e) {
                quietAt.remove(clusterId);
                problems.put(clusterId, e.toString());
            }
        }
    }

    /**
     * The clusters whose connected cluster has provisioned but is not Connected yet, by the {@code arcfleet.dev/cluster}
     * tag: only their agents can connect now, so only their API servers need a look. Null (look at every cluster) when
     * such a connected cluster has no tag. Keeps a thousand-cluster run from spending the machine on looking.
     */
    private Set<String> awaitingAgents() {
        Set<String> ids = new HashSet<>();
        for (String id : arm.resourceIds("/providers/Microsoft\\.Kubernetes/connectedClusters/[^/]+$")) {
            Map<String, Object> resource = arm.resource(id).orElse(null);
            if (resource == null
                    || !"Succeeded".equals(path(resource, "properties", "provisioningState"))
                    || "Connected".equals(path(resource, "properties", "connectivityStatus"))) {
                continue;
            }
            Object cluster = path(resource, "tags", "arcfleet.dev/cluster");
            if (cluster == null) {
                return null;
            }
            ids.add(cluster.toString());
        }
        return ids;
    }

    private void tick(String clusterId, KubernetesClient client, boolean agents) {
        if (companionVms) {
            GenericKubernetesResource uninstall = client.genericKubernetesResources("batch/v1", "Job")
                    .inNamespace(RELEASE_NAMESPACE)
                    .withName(UNINSTALL_JOB)
                    .get();
            if (uninstall != null && !succeeded(uninstall) && uninstallChart(clusterId, client, uninstall)) {
                connected.remove(clusterId);
            }
        }
        if (agents) {
            GenericKubernetesResource job = client.genericKubernetesResources("batch/v1", "Job")
                    .inNamespace(RELEASE_NAMESPACE)
                    .withName(INSTALL_JOB)
                    .get();
            if (job != null && runChart(clusterId, client, job)) {
                connected.add(clusterId);
            }
        }
        if (!companionVms) {
            return;
        }
        for (GenericKubernetesResource vm : client.genericKubernetesResources(MockClusters.VIRTUAL_MACHINES)
                .inNamespace(COMPANION_NAMESPACE)
                .list()
                .getItems()) {
            runVm(client, vm);
        }
    }

    /**
     * One {@code --set} argument as Helm's strvals reads it: ',' separates {@code key=value} pairs, '\\' takes the next
     * character as it is. (Lists and typed values are not simulated: the agents' chart is given strings and switches.)
     */
    static Map<String, String> helmSet(String arg) {
        Map<String, String> values = new LinkedHashMap<>();
        StringBuilder key = new StringBuilder();
        StringBuilder value = new StringBuilder();
        boolean inValue = false;
        for (int i = 0; i < arg.length(); i++) {
            char c = arg.charAt(i);
            if (c == '\\' && i + 1 < arg.length()) {
                (inValue ? value : key).append(arg.charAt(++i));
            } else if (c == ',') {
                values.put(key.toString(), value.toString());
                key.setLength(0);
                value.setLength(0);
                inValue = false;
            } else if (c == '=' && !inValue) {
                inValue = true;
            } else {
                (inValue ? value : key).append(c);
            }
        }
        values.put(key.toString(), value.toString());
        return values;
    }

    /**
     * What {@code helm upgrade --install azure-arc} of the agents' chart does, and then the agents: only with a pinned
     * chart version and the installer's rights in place; the agents read their private key from the
     * {@code azure-arc-connect-privatekey} Secret (owned by the release, or Helm refuses to adopt it), write
     * {@code azure-arc/azure-clusterconfig}, and connect only when that key's public half is the connected cluster's
     * {@code agentPublicKeyCertificate} (PKCS#1).
     */
    @SuppressWarnings("unchecked")
    private boolean runChart(String clusterId, KubernetesClient client, GenericKubernetesResource job) {
        if (succeeded(job)) {
            return connectedAlready(client);
        }
        List<Map<String, Object>> containers = (List<Map<String, Object>>)
                path(job.getAdditionalProperties().get("spec"), "template", "spec", "containers");
        List<Object> args = (List<Object>) containers.get(0).get("args");
        Map<String, String> values = new LinkedHashMap<>();
        String version = null;
        for (int i = 0; i + 1 < args.size(); i++) {
            if ("--set".equals(args.get(i)) || "--set-string".equals(args.get(i))) {
                values.putAll(helmSet(args.get(i + 1).toString()));
            } else if ("--version".equals(args.get(i))) {
                version = args.get(i + 1).toString();
            }
        }
        if (version == null || version.isBlank()) {
            problems.put(clusterId, "helm: the agents' chart is not pinned to a version");
            return false;
        }
        if (values.containsKey("global.onboardingPrivateKey")) {
            problems.put(clusterId, "the private key is a Helm value, in the Job's spec");
            return false;
        }
        String installer = String.valueOf(
                path(job.getAdditionalProperties().get("spec"), "template", "spec", "serviceAccountName"));
        if (client.serviceAccounts()
                                .inNamespace(RELEASE_NAMESPACE)
                                .withName(installer)
                                .get()
                        == null
                || client.rbac().clusterRoleBindings().list().getItems().stream()
                        .noneMatch(b -> b.getSubjects() != null
                                && b.getSubjects().stream().anyMatch(subject -> installer.equals(subject.getName())))) {
            problems.put(clusterId, "helm: the install Job's service account " + installer + " has no rights");
            return false;
        }
        GenericKubernetesResource namespace = client.genericKubernetesResources("v1", "Namespace")
                .withName(AGENT_NAMESPACE)
                .get();
        if (namespace != null && !ownedByRelease(namespace)) {
            problems.put(
                    clusterId,
                    "helm: Namespace \"azure-arc\" exists and cannot be imported into the current release:"
                            + " invalid ownership metadata");
            return false;
        }
        GenericKubernetesResource keySecret = client.genericKubernetesResources("v1", "Secret")
                .inNamespace(AGENT_NAMESPACE)
                .withName(KEY_SECRET)
                .get();
        if (keySecret == null) {
            problems.put(clusterId, "agents: no Secret azure-arc/" + KEY_SECRET + " to read the private key from");
            return false;
        }
        if (!ownedByRelease(keySecret)) {
            problems.put(
                    clusterId,
                    "helm: Secret azure-arc/" + KEY_SECRET + " exists and cannot be imported into the"
                            + " current release: invalid ownership metadata");
            return false;
        }
        String id = "/subscriptions/" + values.get("global.subscriptionId") + "/resourceGroups/"
                + values.get("global.resourceGroupName") + "/providers/Microsoft.Kubernetes/connectedClusters/"
                + values.get("global.resourceName");
        var resource = arm.resource(id);
        if (resource.isEmpty() || !"Succeeded".equals(path(resource.get(), "properties", "provisioningState"))) {
            return false;
        }
        String privateKey = secretValue(client, AGENT_NAMESPACE, KEY_SECRET, "privateKey");
        BigInteger modulus = Pkcs1.privateKeyModulus(privateKey);
        if (modulus == null) {
            problems.put(id, "agent key Secret holds no PKCS#1 RSA private key");
            return false;
        }
        BigInteger registered =
                Pkcs1.publicKeyModulus(String.valueOf(path(resource.get(), "properties", "agentPublicKeyCertificate")));
        if (!modulus.equals(registered)) {
            // the agents sign with the Secret's key; Azure only accepts the key registered on the connected cluster
            problems.put(
                    id,
                    "the agent key in the cluster does not match the connected cluster's agentPublicKeyCertificate");
            return false;
        }
        writeClusterConfig(client, values);
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("succeeded", 1);
        job.getAdditionalProperties().put("status", status);
        client.genericKubernetesResources("batch/v1", "Job")
                .inNamespace(RELEASE_NAMESPACE)
                .resource(job)
                .updateStatus();
        arm.setProperty(id, "connectivityStatus", "Connected");
        arm.setProperty(id, "agentVersion", version);
        arm.setProperty(id, "kubernetesVersion", "1.31.2");
        return true;
    }

    /**
     * What {@code helm uninstall azure-arc --namespace azure-arc-release} does to the agents' release: only with the
     * Job's account bound to rights; it deletes what the release owns, here the agents' ConfigMap, their key Secret and
     * the {@code azure-arc} namespace the release adopted (docs/offboarding-sources.md, section 1: the CLI then waits
     * for that namespace to go). The release namespace itself is not Helm's to delete.
     */
    @SuppressWarnings("unchecked")
    private boolean uninstallChart(String clusterId, KubernetesClient client, GenericKubernetesResource job) {
        List<Map<String, Object>> containers = (List<Map<String, Object>>)
                path(job.getAdditionalProperties().get("spec"), "template", "spec", "containers");
        List<Object> args = (List<Object>) containers.get(0).get("args");
        if (args.size() < 2 || !"uninstall".equals(args.get(0)) || !"azure-arc".equals(args.get(1))) {
            problems.put(clusterId, "helm: the uninstall Job does not run helm uninstall azure-arc: " + args);
            return false;
        }
        String account = String.valueOf(
                path(job.getAdditionalProperties().get("spec"), "template", "spec", "serviceAccountName"));
        if (client.serviceAccounts()
                                .inNamespace(RELEASE_NAMESPACE)
                                .withName(account)
                                .get()
                        == null
                || client.rbac().clusterRoleBindings().list().getItems().stream()
                        .noneMatch(b -> b.getSubjects() != null
                                && b.getSubjects().stream().anyMatch(subject -> account.equals(subject.getName())))) {
            problems.put(clusterId, "helm: the uninstall Job's service account " + account + " has no rights");
            return false;
        }
        client.configMaps()
                .inNamespace(AGENT_NAMESPACE)
                .withName("azure-clusterconfig")
                .delete();
        client.secrets().inNamespace(AGENT_NAMESPACE).withName(KEY_SECRET).delete();
        GenericKubernetesResource namespace = client.genericKubernetesResources("v1", "Namespace")
                .withName(AGENT_NAMESPACE)
                .get();
        if (namespace != null && ownedByRelease(namespace)) {
            client.namespaces().withName(AGENT_NAMESPACE).delete();
        }
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("succeeded", 1);
        job.getAdditionalProperties().put("status", status);
        client.genericKubernetesResources("batch/v1", "Job")
                .inNamespace(RELEASE_NAMESPACE)
                .resource(job)
                .updateStatus();
        uninstalls.computeIfAbsent(clusterId, k -> new AtomicInteger()).incrementAndGet();
        return true;
    }

    /** How many times the agents' release was uninstalled from this cluster. */
    public int uninstalls(String clusterId) {
        AtomicInteger n = uninstalls.get(clusterId);
        return n == null ? 0 : n.get();
    }

    private static boolean succeeded(GenericKubernetesResource job) {
        Object n = path(job.getAdditionalProperties(), "status", "succeeded");
        return n != null && Integer.parseInt(n.toString()) >= 1;
    }

    private static boolean connectedAlready(KubernetesClient client) {
        return client.configMaps()
                        .inNamespace(AGENT_NAMESPACE)
                        .withName("azure-clusterconfig")
                        .get()
                != null;
    }

    private static boolean ownedByRelease(GenericKubernetesResource object) {
        Map<String, String> labels = object.getMetadata().getLabels();
        Map<String, String> annotations = object.getMetadata().getAnnotations();
        return labels != null
                && "Helm".equals(labels.get("app.kubernetes.io/managed-by"))
                && annotations != null
                && "azure-arc".equals(annotations.get("meta.helm.sh/release-name"))
                && RELEASE_NAMESPACE.equals(annotations.get("meta.helm.sh/release-namespace"));
    }

    /** The ConfigMap the agents' chart writes, naming the connected cluster they belong to. */
    private static void writeClusterConfig(KubernetesClient client, Map<String, String> values) {
        Map<String, String> data = new LinkedHashMap<>();
        data.put("AZURE_RESOURCE_NAME", values.get("global.resourceName"));
        data.put("AZURE_RESOURCE_GROUP", values.get("global.resourceGroupName"));
        data.put("AZURE_SUBSCRIPTION_ID", values.get("global.subscriptionId"));
        data.put("AZURE_REGION", values.get("global.location"));
        data.put("AZURE_ENVIRONMENT", values.getOrDefault("global.azureEnvironment", "AZUREPUBLICCLOUD"));
        if (client.genericKubernetesResources("v1", "Namespace")
                        .withName(AGENT_NAMESPACE)
                        .get()
                == null) {
            client.namespaces()
                    .resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                            .withNewMetadata()
                            .withName(AGENT_NAMESPACE)
                            .endMetadata()
                            .build())
                    .create();
        }
        client.configMaps()
                .inNamespace(AGENT_NAMESPACE)
                .resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                        .withNewMetadata()
                        .withName("azure-clusterconfig")
                        .withNamespace(AGENT_NAMESPACE)
                        .endMetadata()
                        .withData(data)
                        .build())
                .createOr(existing -> existing.update());
    }

    /**
     * KubeVirt and azcmagent: the VM is scheduled only onto a node the cluster has; every volume needs its disk; cloud-init
     * reads only the {@code userdata} key of its Secret; a {@code secret} volume reaches the guest as a disk with the
     * serial its disk names; azcmagent connects with the {@code --config} file it is given, and only with a real secret.
     */
    @SuppressWarnings("unchecked")
    private void runVm(KubernetesClient client, GenericKubernetesResource vm) {
        String name = vm.getMetadata().getName();
        Map<String, Object> template =
                (Map<String, Object>) path(vm.getAdditionalProperties(), "spec", "template", "spec");
        List<Map<String, Object>> volumes = (List<Map<String, Object>>) template.get("volumes");
        List<Map<String, Object>> disks = (List<Map<String, Object>>) path(template, "domain", "devices", "disks");
        Set<String> diskNames = new HashSet<>();
        disks.forEach(d -> diskNames.add(String.valueOf(d.get("name"))));
        for (Map<String, Object> volume : volumes) {
            if (!diskNames.contains(String.valueOf(volume.get("name")))) {
                problems.put(
                        name, "KubeVirt: volume " + volume.get("name") + " has no disk, filesystem or matching device");
                return;
            }
        }
        Object hostname = path(template, "nodeSelector", "kubernetes.io/hostname");
        boolean schedulable = hostname != null
                && client.nodes().list().getItems().stream()
                        .anyMatch(n -> hostname.equals(n.getMetadata().getName())
                                || n.getMetadata().getLabels() != null
                                        && hostname.equals(
                                                n.getMetadata().getLabels().get("kubernetes.io/hostname")));
        if (!schedulable) {
            setVmStatus(client, vm, false, "ErrorUnschedulable");
            return;
        }
        if (Boolean.TRUE.equals(path(vm.getAdditionalProperties(), "status", "ready"))) {
            return; // the guest booted already: cloud-init ran and its Secret disks were read when it started
        }
        String userdata = null;
        Map<String, String> secretDisks = new LinkedHashMap<>();
        for (Map<String, Object> volume : volumes) {
            Object secretRef = path(volume, "cloudInitNoCloud", "secretRef", "name");
            if (secretRef != null) {
                userdata = secretValue(client, COMPANION_NAMESPACE, secretRef.toString(), "userdata");
                if (userdata == null) {
                    userdata = secretValue(client, COMPANION_NAMESPACE, secretRef.toString(), "userData");
                }
            }
            Object secretName = path(volume, "secret", "secretName");
            if (secretName != null) {
                disks.stream()
                        .filter(d -> volume.get("name").equals(d.get("name")) && d.get("serial") != null)
                        .forEach(d -> secretDisks.put(d.get("serial").toString(), secretName.toString()));
            }
        }
        if (userdata == null) {
            problems.put(name, "cloud-init found no userdata in its Secret");
            return;
        }
        Matcher config = CONFIG.matcher(userdata);
        Matcher mount = MOUNT_SERIAL.matcher(userdata);
        if (!config.find() || !mount.find() || !secretDisks.containsKey(mount.group(1))) {
            problems.put(name, "the user data runs no azcmagent connect --config from a mounted Secret disk");
            return;
        }
        String file = config.group(1).substring(config.group(1).lastIndexOf('/') + 1);
        String json = secretValue(client, COMPANION_NAMESPACE, secretDisks.get(mount.group(1)), file);
        if (json == null
                && client.secrets()
                                .inNamespace(COMPANION_NAMESPACE)
                                .withName(secretDisks.get(mount.group(1)))
                                .get()
                        == null) {
            // KubeVirt cannot start a VMI whose Secret volume is missing: the VM stays not ready
            setVmStatus(client, vm, false, "CreateContainerConfigError");
            return;
        }
        setVmStatus(client, vm, true, "Running");
        vmStarts.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
        Map<String, Object> settings;
        try {
            settings = json == null ? null : JSON.readValue(json, Map.class);
        } catch (java.io.IOException e) {
            problems.put(name, "azcmagent: " + file + " is not JSON: " + e.getMessage());
            return;
        }
        if (settings == null
                || settings.get("service-principal-secret") == null
                || settings.get("service-principal-secret").toString().startsWith("${")) {
            problems.put(name, "azcmagent: no real service principal secret in " + file);
            return;
        }
        onboardingSettings.put(name, Map.copyOf(settings));
        String id = "/subscriptions/" + settings.get("subscription-id") + "/resourceGroups/"
                + settings.get("resource-group") + "/providers/Microsoft.HybridCompute/machines/"
                + settings.get("resource-name");
        if (arm.resource(id).isEmpty()) {
            Map<String, Object> properties = new LinkedHashMap<>();
            properties.put("status", "Connected");
            properties.put("osName", "linux");
            properties.put("agentVersion", "1.47");
            Map<String, Object> tags = new LinkedHashMap<>();
            for (String pair : String.valueOf(settings.getOrDefault("tags", "")).split(",")) {
                if (pair.contains("=")) {
                    tags.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
                }
            }
            arm.seed(
                    id,
                    Map.of(
                            "location",
                            String.valueOf(settings.get("location")),
                            "kind",
                            "",
                            "properties",
                            properties,
                            "tags",
                            tags));
        }
    }

    private static void setVmStatus(
            KubernetesClient client, GenericKubernetesResource vm, boolean ready, String printable) {
        if (Boolean.valueOf(ready).equals(path(vm.getAdditionalProperties(), "status", "ready"))
                && printable.equals(path(vm.getAdditionalProperties(), "status", "printableStatus"))) {
            return;
        }
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("ready", ready);
        status.put("printableStatus", printable);
        vm.getAdditionalProperties().put("status", status);
        client.genericKubernetesResources(MockClusters.VIRTUAL_MACHINES)
                .inNamespace(COMPANION_NAMESPACE)
                .resource(vm)
                .updateStatus();
    }

    private static String secretValue(KubernetesClient client, String namespace, String name, String key) {
        GenericKubernetesResource secret = client.genericKubernetesResources("v1", "Secret")
                .inNamespace(namespace)
                .withName(name)
                .get();
        if (secret == null) {
            return null;
        }
        Object data = path(secret.getAdditionalProperties(), "data", key);
        if (data != null) {
            return new String(Base64.getDecoder().decode(data.toString()), StandardCharsets.UTF_8);
        }
        Object plain = path(secret.getAdditionalProperties(), "stringData", key);
        return plain == null ? null : plain.toString();
    }

    private static Object path(Object root, String... keys) {
        Object current = root;
        for (String key : keys) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(key);
        }
        return current;
    }
}
