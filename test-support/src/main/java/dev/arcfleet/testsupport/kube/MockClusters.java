package dev.arcfleet.testsupport.kube;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.vertx.VertxHttpClientFactory;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One fabric8 mock API server in CRUD mode per target cluster, each reachable through a kubeconfig file named after
 * the cluster id in one folder: exactly how the executor reaches real clusters (a mounted Secret of kubeconfigs).
 * Each refuses what a real API server refuses ({@link StrictKubernetesDispatcher}): objects in a namespace that does
 * not exist, changes to a Job's pod template, kinds the cluster does not serve. The namespaces every cluster has
 * ({@link #INITIAL_NAMESPACES}) exist from the start. KubeVirt's {@code VirtualMachine} is served as a custom resource,
 * as on a cluster with KubeVirt installed, unless the cluster is started without KubeVirt.
 */
public final class MockClusters implements AutoCloseable {
    public static final CustomResourceDefinitionContext VIRTUAL_MACHINES = new CustomResourceDefinitionContext.Builder()
            .withGroup("kubevirt.io")
            .withVersion("v1")
            .withKind("VirtualMachine")
            .withPlural("virtualmachines")
            .withScope("Namespaced")
            .build();

    /** The namespaces a new cluster has. */
    public static final List<String> INITIAL_NAMESPACES =
            List.of("default", "kube-system", "kube-public", "kube-node-lease");

    /** The mock servers log every request through JUL at INFO; held here so the level sticks. */
    private static final Logger MOCK_SERVER_LOG = Logger.getLogger("io.fabric8.mockwebserver");

    private final Path kubeconfigDir;
    private final Map<String, KubernetesMockServer> servers = new LinkedHashMap<>();
    private final Map<String, KubernetesClient> clients = new LinkedHashMap<>();
    private final Map<String, StrictKubernetesDispatcher> dispatchers = new LinkedHashMap<>();
    private final Set<String> withKubeVirt = new HashSet<>();
    /** One Vert.x for every client here: a thousand clusters must not mean a thousand event loop groups. */
    private final Vertx vertx =
            Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setWorkerPoolSize(4));

    private final VertxHttpClientFactory httpClients = new VertxHttpClientFactory(vertx);

    private MockClusters(Path kubeconfigDir) {
        this.kubeconfigDir = kubeconfigDir;
    }

    /** Every cluster with KubeVirt installed. */
    public static MockClusters start(Path kubeconfigDir, List<String> clusterIds) {
        return start(kubeconfigDir, clusterIds, Set.of());
    }

    /** The clusters in {@code withoutKubeVirt} do not serve {@code kubevirt.io} (404, as a cluster without KubeVirt). */
    public static MockClusters start(Path kubeconfigDir, List<String> clusterIds, Set<String> withoutKubeVirt) {
        if (!clusterIds.containsAll(withoutKubeVirt)) {
            throw new IllegalArgumentException(
                    "clusters without KubeVirt " + withoutKubeVirt + " are not all among " + clusterIds);
        }
        MOCK_SERVER_LOG.setLevel(Level.WARNING);
        MockClusters clusters = new MockClusters(kubeconfigDir);
        try {
            Files.createDirectories(kubeconfigDir);
            for (String id : clusterIds) {
                boolean kubeVirt = !withoutKubeVirt.contains(id);
                StrictKubernetesDispatcher dispatcher =
                        new StrictKubernetesDispatcher(kubeVirt ? List.of(VIRTUAL_MACHINES) : List.of());
                clusters.dispatchers.put(id, dispatcher);
                KubernetesMockServer server = new KubernetesMockServer(
                        new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
                server.init();
                clusters.servers.put(id, server);
                KubernetesClient client = server.createClient(clusters.httpClients);
                clusters.clients.put(id, client);
                if (kubeVirt) {
                    clusters.withKubeVirt.add(id);
                }
                for (String namespace : INITIAL_NAMESPACES) {
                    client.namespaces()
                            .resource(new NamespaceBuilder()
                                    .withNewMetadata()
                                    .withName(namespace)
                                    .addToLabels("kubernetes.io/metadata.name", namespace)
                                    .endMetadata()
                                    .withNewStatus()
                                    .withPhase("Active")
                                    .endStatus()
                                    .build())
                            .create();
                }
                Files.writeString(
                        kubeconfigDir.resolve(id),
                        kubeconfig(id, "http://" + server.getHostName() + ":" + server.getPort()));
            }
        } catch (IOException e) {
            clusters.close();
            throw new UncheckedIOException("cannot write kubeconfigs to " + kubeconfigDir, e);
        } catch (RuntimeException e) {
            clusters.close();
            throw e;
        }
        return clusters;
    }

    public Path kubeconfigDir() {
        return kubeconfigDir;
    }

    public Set<String> clusterIds() {
        return clients.keySet();
    }

    /** Whether the cluster serves KubeVirt's {@code VirtualMachine} (it was not started without KubeVirt). */
    public boolean hasKubeVirt(String clusterId) {
        client(clusterId);
        return withKubeVirt.contains(clusterId);
    }

    /** A client of the cluster's API server, for tests to look at what the executor applied. */
    public KubernetesClient client(String clusterId) {
        KubernetesClient client = clients.get(clusterId);
        if (client == null) {
            throw new IllegalArgumentException("no mock cluster " + clusterId + "; have " + clients.keySet());
        }
        return client;
    }

    /**
     * How many requests other than GET the cluster's API server received so far (from anyone: the executor, the
     * simulated agents, a test): a run that must change nothing leaves it as it was.
     */
    public int writes(String clusterId) {
        client(clusterId);
        return dispatchers.get(clusterId).writeRequests();
    }

    /** How many requests of any kind the cluster's API server received so far. */
    public int requests(String clusterId) {
        client(clusterId);
        return servers.get(clusterId).getRequestCount();
    }

    /** Adds a Node as the kubelet registers it: named, labelled {@code kubernetes.io/hostname}; idempotent. */
    public void addNode(String clusterId, String nodeName) {
        KubernetesClient c = client(clusterId);
        if (c.nodes().withName(nodeName).get() == null) {
            c.nodes()
                    .resource(new io.fabric8.kubernetes.api.model.NodeBuilder()
                            .withNewMetadata()
                            .withName(nodeName)
                            .addToLabels("kubernetes.io/hostname", nodeName)
                            .endMetadata()
                            .build())
                    .create();
        }
    }

    @Override
    public void close() {
        clients.values().forEach(KubernetesClient::close);
        servers.values().forEach(KubernetesMockServer::destroy);
        vertx.close();
    }

    private static String kubeconfig(String clusterId, String server) {
        return """
                apiVersion: v1
                kind: Config
                clusters:
                - name: %1$s
                  cluster:
                    server: %2$s
                users:
                - name: %1$s-admin
                  user:
                    token: mock-cluster-token
                contexts:
                - name: %1$s
                  context:
                    cluster: %1$s
                    user: %1$s-admin
                    namespace: default
                current-context: %1$s
                """.formatted(clusterId, server);
    }
}
