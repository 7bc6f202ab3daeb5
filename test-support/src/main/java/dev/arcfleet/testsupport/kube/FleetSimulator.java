package dev.arcfleet.testsupport.kube;

import dev.arcfleet.testsupport.arm.ArmEmulator;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;

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
 * {@code Microsoft.HybridCompute/machines} resource as Connected (only with real credentials, never placeholders).
 */
public final class FleetSimulator implements AutoCloseable {
    public static final String ARC_NAMESPACE = "azure-arc-release";
    public static final String COMPANION_NAMESPACE = "arc-companions";
    private static final Pattern SET = Pattern.compile("^global\\.(\\w+)=(.*)$");

    private final ArmEmulator arm;
    private final MockClusters clusters;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fleet-simulator");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, AtomicInteger> vmStarts = new ConcurrentHashMap<>();
    private final Map<String, String> problems = new ConcurrentHashMap<>();

    private final Set<String> connected = ConcurrentHashMap.newKeySet();
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
            boolean agents = !connected.contains(clusterId) && (awaitingAgents == null || awaitingAgents.contains(clusterId));
            if (!agents && !companionVms) {
                continue;
            }
            try {
                tick(clusterId, clusters.client(clusterId), agents);
            } catch (RuntimeException e) {
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
            if (resource == null || !"Succeeded".equals(path(resource, "properties", "provisioningState"))
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
        if (agents) {
            GenericKubernetesResource job = client.genericKubernetesResources("batch/v1", "Job").inNamespace(ARC_NAMESPACE)
                    .withName("arc-agent-install").get();
            if (job != null && connectAgents(client, job)) {
                connected.add(clusterId);
            }
        }
        if (!companionVms) {
            return;
        }
        for (GenericKubernetesResource vm : client.genericKubernetesResources(MockClusters.VIRTUAL_MACHINES)
                .inNamespace(COMPANION_NAMESPACE).list().getItems()) {
            runVm(client, vm);
        }
    }

    @SuppressWarnings("unchecked")
    private boolean connectAgents(KubernetesClient client, GenericKubernetesResource job) {
        Map<String, String> values = new LinkedHashMap<>();
        Object spec = job.getAdditionalProperties().get("spec");
        List<Map<String, Object>> containers = (List<Map<String, Object>>) path(spec, "template", "spec", "containers");
        for (Object arg : (List<Object>) containers.get(0).get("args")) {
            Matcher m = SET.matcher(arg.toString());
            if (m.matches()) {
                values.put(m.group(1), m.group(2));
            }
        }
        String id = "/subscriptions/" + values.get("subscriptionId") + "/resourceGroups/" + values.get("resourceGroupName")
                + "/providers/Microsoft.Kubernetes/connectedClusters/" + values.get("resourceName");
        var resource = arm.resource(id);
        if (resource.isPresent() && "Connected".equals(path(resource.get(), "properties", "connectivityStatus"))) {
            return true;
        }
        if (resource.isEmpty() || !"Succeeded".equals(path(resource.get(), "properties", "provisioningState"))) {
            return false;
        }
        String privateKey = secretValue(client, ARC_NAMESPACE, values.get("onboardingPrivateKeySecret"), "privateKey");
        if (privateKey == null || !privateKey.startsWith("-----BEGIN PRIVATE KEY-----")) {
            problems.put(id, "agent key Secret has no private key: " + (privateKey == null ? "missing" : "placeholder"));
            return false;
        }
        String publicKey = secretValue(client, ARC_NAMESPACE, values.get("onboardingPrivateKeySecret"), "publicKey");
        if (!String.valueOf(path(resource.get(), "properties", "agentPublicKeyCertificate")).equals(publicKey)) {
            // the agents sign with the Secret's key; Azure only accepts the key registered on the connected cluster
            problems.put(id, "the agent key in the cluster does not match the connected cluster's agentPublicKeyCertificate");
            return false;
        }
        arm.setProperty(id, "connectivityStatus", "Connected");
        arm.setProperty(id, "agentVersion", "1.24.4");
        arm.setProperty(id, "kubernetesVersion", "1.31.2");
        return true;
    }

    private void runVm(KubernetesClient client, GenericKubernetesResource vm) {
        String name = vm.getMetadata().getName();
        if (!Boolean.TRUE.equals(path(vm.getAdditionalProperties(), "status", "ready"))) {
            Map<String, Object> status = new LinkedHashMap<>();
            status.put("ready", true);
            status.put("printableStatus", "Running");
            vm.getAdditionalProperties().put("status", status);
            client.genericKubernetesResources(MockClusters.VIRTUAL_MACHINES).inNamespace(COMPANION_NAMESPACE).resource(vm)
                    .updateStatus();
            vmStarts.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
        }
        String userdata = secretValue(client, COMPANION_NAMESPACE, name + "-onboarding", "userdata");
        String clientSecret = secretValue(client, COMPANION_NAMESPACE, name + "-onboarding", "client-secret");
        if (userdata == null || clientSecret == null || clientSecret.startsWith("${")) {
            problems.put(name, "onboarding Secret lacks cloud-init or a real client secret");
            return;
        }
        String subscription = flag(userdata, "--subscription-id");
        String group = flag(userdata, "--resource-group");
        String machine = flag(userdata, "--resource-name");
        String id = "/subscriptions/" + subscription + "/resourceGroups/" + group + "/providers/Microsoft.HybridCompute/machines/"
                + machine;
        if (arm.resource(id).isEmpty()) {
            Map<String, Object> properties = new LinkedHashMap<>();
            properties.put("status", "Connected");
            properties.put("osName", "linux");
            properties.put("agentVersion", "1.47");
            arm.seed(id, Map.of("location", flag(userdata, "--location"), "kind", "", "properties", properties,
                    "tags", Map.of("arcfleet.dev/host", flag(userdata, "--tags").replaceFirst("^arcfleet.dev/host=", ""))));
        }
    }

    private static String flag(String text, String name) {
        Matcher m = Pattern.compile(Pattern.quote(name) + " \"?([^\"\\s]+)").matcher(text);
        return m.find() ? m.group(1) : "";
    }

    private static String secretValue(KubernetesClient client, String namespace, String name, String key) {
        GenericKubernetesResource secret = client.genericKubernetesResources("v1", "Secret").inNamespace(namespace)
                .withName(name).get();
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
