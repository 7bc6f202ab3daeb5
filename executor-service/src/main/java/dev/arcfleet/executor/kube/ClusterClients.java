package dev.arcfleet.executor.kube;

import dev.arcfleet.executor.config.ExecutorConfig;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.vertx.VertxHttpClientFactory;
import io.quarkus.runtime.ShutdownEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Kubernetes client per target cluster: the kubeconfig mounted as {@code <kubeconfig-dir>/<clusterId>} (for example
 * from a Secret volume), else the service's own cluster (in-cluster config, or the test server in tests). Kubeconfig
 * contents stay in memory; they are never stored or logged.
 */
@ApplicationScoped
public class ClusterClients {
    private final KubernetesClient own;
    private final Optional<Path> kubeconfigDir;
    private final Map<String, KubernetesClient> clients = new ConcurrentHashMap<>();
    /** One HTTP client factory on the service's Vert.x for every cluster: a thousand clusters, one event loop group. */
    private final HttpClient.Factory httpClients;

    public ClusterClients(KubernetesClient own, ExecutorConfig config, Vertx vertx) {
        this.own = own;
        this.kubeconfigDir = config.kube().kubeconfigDir();
        this.httpClients = new VertxHttpClientFactory(vertx);
    }

    public KubernetesClient forCluster(String clusterId) {
        if (clusterId == null) {
            return own;
        }
        return clients.computeIfAbsent(clusterId, this::create);
    }

    private KubernetesClient create(String clusterId) {
        if (kubeconfigDir.isPresent()) {
            for (String name : new String[] {clusterId, clusterId + ".yaml", clusterId + ".kubeconfig"}) {
                Path file = kubeconfigDir.get().resolve(name);
                if (Files.isRegularFile(file)) {
                    try {
                        return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(file)))
                                .withHttpClientFactory(httpClients).build();
                    } catch (IOException e) {
                        throw new UncheckedIOException("kubeconfig for cluster " + clusterId + " at " + file + " unreadable", e);
                    }
                }
            }
        }
        return own;
    }

    void close(@Observes ShutdownEvent event) {
        clients.values().stream().filter(c -> c != own).forEach(KubernetesClient::close);
    }
}
