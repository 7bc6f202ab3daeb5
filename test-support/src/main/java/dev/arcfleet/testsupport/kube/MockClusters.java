package dev.arcfleet.testsupport.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One fabric8 mock API server in CRUD mode per target cluster, each reachable through a kubeconfig file named after
 * the cluster id in one folder: exactly how the executor reaches real clusters (a mounted Secret of kubeconfigs).
 * KubeVirt's {@code VirtualMachine} is served as a custom resource, as on a cluster with KubeVirt installed.
 */
public final class MockClusters implements AutoCloseable {
    public static final CustomResourceDefinitionContext VIRTUAL_MACHINES = new CustomResourceDefinitionContext.Builder()
            .withGroup("kubevirt.io").withVersion("v1").withKind("VirtualMachine").withPlural("virtualmachines")
            .withScope("Namespaced").build();

    /** The mock servers log every request through JUL at INFO; held here so the level sticks. */
    private static final Logger MOCK_SERVER_LOG = Logger.getLogger("io.fabric8.mockwebserver");

    private final Path kubeconfigDir;
    private final Map<String, KubernetesMockServer> servers = new LinkedHashMap<>();
    private final Map<String, KubernetesClient> clients = new LinkedHashMap<>();
    /** One Vert.x for every client here: a thousand clusters must not mean a thousand event loop groups. */
    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setWorkerPoolSize(4));
    private final VertxHttpClientFactory httpClients = new VertxHttpClientFactory(vertx);

    private MockClusters(Path kubeconfigDir) {
        this.kubeconfigDir = kubeconfigDir;
    }

    public static MockClusters start(Path kubeconfigDir, List<String> clusterIds) {
        MOCK_SERVER_LOG.setLevel(Level.WARNING);
        MockClusters clusters = new MockClusters(kubeconfigDir);
        try {
            Files.createDirectories(kubeconfigDir);
            for (String id : clusterIds) {
                KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                        new KubernetesCrudDispatcher(List.of(VIRTUAL_MACHINES)), false);
                server.init();
                server.expectCustomResource(VIRTUAL_MACHINES);
                clusters.servers.put(id, server);
                clusters.clients.put(id, server.createClient(clusters.httpClients));
                Files.writeString(kubeconfigDir.resolve(id), kubeconfig(id, "http://" + server.getHostName() + ":"
                        + server.getPort()));
            }
        } catch (IOException e) {
            clusters.close();
            throw new UncheckedIOException("cannot write kubeconfigs to " + kubeconfigDir, e);
        }
        return clusters;
    }

    public Path kubeconfigDir() {
        return kubeconfigDir;
    }

    public Set<String> clusterIds() {
        return clients.keySet();
    }

    /** A client of the cluster's API server, for tests to look at what the executor applied. */
    public KubernetesClient client(String clusterId) {
        KubernetesClient client = clients.get(clusterId);
        if (client == null) {
            throw new IllegalArgumentException("no mock cluster " + clusterId + "; have " + clients.keySet());
        }
        return client;
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
