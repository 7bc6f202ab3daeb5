package dev.arcfleet.executor.kube;

import dev.arcfleet.contracts.Ids;
import dev.arcfleet.support.log.LogSafe;
import dev.arcfleet.executor.config.ExecutorConfig;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.vertx.VertxHttpClientFactory;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * A Kubernetes client per target cluster: the kubeconfig mounted as {@code <kubeconfig-dir>/<clusterId>} (for example
 * from a Secret volume). It fails closed: a cluster with no kubeconfig there is refused, never served by the
 * executor's own cluster, which it reaches only for the cluster id {@code executor.kube.own-cluster-id} names; and a
 * cluster id (it comes from a Kafka record) must be a plain name, so no path leaves the folder. Kubeconfig contents
 * stay in memory; they are never stored or logged.
 *
 * <p>A cluster needs its client for a few steps of its onboarding and then not again, so clients are kept only while
 * used: one idle for {@code executor.kube.client-idle-timeout} is closed, and above {@code executor.kube.max-clients}
 * the least recently used ones idle for at least {@link #MIN_IDLE_TO_EVICT} go first. A fleet of tens of thousands of
 * clusters then holds clients for the clusters being onboarded now, not for every cluster ever seen.
 */
@ApplicationScoped
public class ClusterClients {
    /**
     * Never closed sooner after its last use, whatever the cap: longer than any single Kubernetes call (fabric8's
     * request timeout is 10 s), so a worker never loses the client it is using.
     */
    static final Duration MIN_IDLE_TO_EVICT = Duration.ofSeconds(30);

    /** A cluster id as a file name: letters, digits, '.', '_' and '-', not starting with a dot. */
    static final Pattern SAFE_ID = Ids.FILE_NAME;

    private final KubernetesClient own;
    private final Optional<String> ownClusterId;
    private final Optional<Path> kubeconfigDir;
    private final Map<String, Cached> clients = new ConcurrentHashMap<>();
    /** One HTTP client factory on the service's Vert.x for every cluster: a thousand clusters, one event loop group. */
    private final HttpClient.Factory httpClients;
    private final long idleTimeoutNanos;
    private final int maxClients;
    private final LongSupplier nanoClock;

    @Inject
    public ClusterClients(KubernetesClient own, ExecutorConfig config, Vertx vertx) {
        this(own, config.kube().ownClusterId(), config.kube().kubeconfigDir(), new VertxHttpClientFactory(vertx),
                config.kube().clientIdleTimeout(), config.kube().maxClients(), System::nanoTime);
    }

    ClusterClients(KubernetesClient own, Optional<String> ownClusterId, Optional<Path> kubeconfigDir,
            HttpClient.Factory httpClients, Duration idleTimeout, int maxClients, LongSupplier nanoClock) {
        if (maxClients < 1) {
            throw new IllegalArgumentException("executor.kube.max-clients must be at least 1, got " + maxClients);
        }
        this.own = own;
        this.ownClusterId = ownClusterId.filter(id -> !id.isBlank());
        this.kubeconfigDir = kubeconfigDir;
        this.httpClients = httpClients;
        this.idleTimeoutNanos = Math.max(idleTimeout.toNanos(), MIN_IDLE_TO_EVICT.toNanos());
        this.maxClients = maxClients;
        this.nanoClock = nanoClock;
    }

    private static final class Cached {
        final KubernetesClient client;
        volatile long lastUsed;

        Cached(KubernetesClient client, long lastUsed) {
            this.client = client;
            this.lastUsed = lastUsed;
        }
    }

    /**
     * The client of a target cluster.
     *
     * @throws ClusterAccessException when the executor has no access to that cluster (no kubeconfig, an id that is not
     *         a plain name, no cluster named at all)
     */
    public KubernetesClient forCluster(String clusterId) {
        if (clusterId == null || clusterId.isBlank()) {
            throw new ClusterAccessException("the plan names no cluster, and the executor reaches no cluster it is not"
                    + " given a kubeconfig for");
        }
        if (ownClusterId.isPresent() && ownClusterId.get().equals(clusterId)) {
            return own;
        }
        if (!SAFE_ID.matcher(clusterId).matches()) {
            throw new ClusterAccessException("cluster id '" + clusterId.replaceAll("\\p{Cntrl}", "?")
                    + "' is not a plain name (letters, digits, '.', '_', '-'); no kubeconfig is looked up for it");
        }
        long now = nanoClock.getAsLong();
        // compute holds the entry while it is touched: an eviction removes an entry only through the same map, so it
        // either sees the new last use or happened before this call (which then creates a fresh client)
        Cached cached = clients.compute(clusterId, (id, current) -> {
            if (current == null) {
                return new Cached(create(id), now);
            }
            current.lastUsed = now;
            return current;
        });
        if (clients.size() > maxClients) {
            evictOverCap(now);
        }
        return cached.client;
    }

    /** Target-cluster clients open now (the service's own client is not counted). */
    public int openClients() {
        return clients.size();
    }

    /** Closes the clients idle for longer than the idle timeout. */
    @Scheduled(every = "30s", delayed = "30s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void closeIdle() {
        long now = nanoClock.getAsLong();
        clients.keySet().forEach(id -> evictIf(id, now, idleTimeoutNanos));
    }

    private void evictOverCap(long now) {
        int excess = clients.size() - maxClients;
        if (excess <= 0) {
            return;
        }
        clients.entrySet().stream()
                .filter(e -> now - e.getValue().lastUsed >= MIN_IDLE_TO_EVICT.toNanos())
                .sorted(Comparator.comparingLong(e -> e.getValue().lastUsed))
                .limit(excess)
                .map(Map.Entry::getKey)
                .toList()
                .forEach(id -> evictIf(id, now, MIN_IDLE_TO_EVICT.toNanos()));
    }

    private void evictIf(String clusterId, long now, long minIdleNanos) {
        Cached[] evicted = new Cached[1];
        clients.computeIfPresent(clusterId, (id, cached) -> {
            if (now - cached.lastUsed >= minIdleNanos) {
                evicted[0] = cached;
                return null;
            }
            return cached;
        });
        if (evicted[0] != null) {
            try {
                evicted[0].client.close();
            } catch (RuntimeException e) {
                Log.debugf(e, "closing the idle client of cluster %s failed", LogSafe.of(clusterId));
            }
        }
    }

    private KubernetesClient create(String clusterId) {
        if (kubeconfigDir.isPresent()) {
            Path dir = kubeconfigDir.get().toAbsolutePath().normalize();
            for (String name : new String[] {clusterId, clusterId + ".yaml", clusterId + ".kubeconfig"}) {
                Path file = dir.resolve(name).normalize();
                if (file.getParent().equals(dir) && Files.isRegularFile(file)) {
                    try {
                        return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(file)))
                                .withHttpClientFactory(httpClients).build();
                    } catch (IOException e) {
                        throw new UncheckedIOException("kubeconfig for cluster " + clusterId + " at " + file + " unreadable", e);
                    }
                }
            }
        }
        throw new ClusterAccessException("no kubeconfig for cluster " + clusterId + (kubeconfigDir.isPresent() ? ""
                : " (executor.kube.kubeconfig-dir is not set)") + "; the executor does not fall back to its own cluster");
    }

    void close(@Observes ShutdownEvent event) {
        clients.values().forEach(c -> c.client.close());
        clients.clear();
    }
}
