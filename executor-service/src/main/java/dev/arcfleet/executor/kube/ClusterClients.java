package dev.arcfleet.executor.kube;

import dev.arcfleet.contracts.Ids;
import dev.arcfleet.executor.config.ExecutorConfig;
import dev.arcfleet.support.kube.ClusterAccess;
import dev.arcfleet.support.kube.ClusterAccessException;
import dev.arcfleet.support.kube.ClusterClientFactory;
import dev.arcfleet.support.kube.KubeconfigSources;
import dev.arcfleet.support.log.LogSafe;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.vertx.VertxHttpClientFactory;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * A Kubernetes client per target cluster. A cluster id resolves to a {@link ClusterAccess}: the kubeconfig mounted as
 * {@code <kubeconfig-dir>/<clusterId>} (or {@code .yaml}, {@code .kubeconfig}; for example from a Secret volume), or
 * {@code IN_CLUSTER} for the cluster id {@code executor.kube.own-cluster-id} names. It fails closed: a cluster with no
 * kubeconfig there is refused, never served by the executor's own cluster; a cluster id (it comes from a Kafka record)
 * must be a plain name, so no path leaves the folder; and the client is built by {@link ClusterClientFactory}, under
 * the same kubeconfig rules as discovery (inside the folder once links are followed, a regular file under
 * {@code executor.kube.max-kubeconfig-bytes}, no {@code exec}, {@code auth-provider} or file references). Kubeconfig
 * contents stay in memory; they are never stored or logged.
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

    static final String KUBECONFIG_DIR_SETTING = "executor.kube.kubeconfig-dir";

    private final KubernetesClient own;
    private final Optional<String> ownClusterId;
    private final Optional<Path> kubeconfigDir;
    private final Map<String, Cached> clients = new ConcurrentHashMap<>();
    /** Builds every target client on one HTTP client factory (the service's Vert.x): one event loop group for all. */
    private final ClusterClientFactory factory;

    private final long idleTimeoutNanos;
    private final int maxClients;
    private final LongSupplier nanoClock;

    @Inject
    public ClusterClients(KubernetesClient own, ExecutorConfig config, Vertx vertx) {
        this(
                own,
                config.kube().ownClusterId(),
                config.kube().kubeconfigDir(),
                config.kube().maxKubeconfigBytes(),
                new VertxHttpClientFactory(vertx),
                config.kube().clientIdleTimeout(),
                config.kube().maxClients(),
                System::nanoTime);
    }

    ClusterClients(
            KubernetesClient own,
            Optional<String> ownClusterId,
            Optional<Path> kubeconfigDir,
            int maxKubeconfigBytes,
            HttpClient.Factory httpClients,
            Duration idleTimeout,
            int maxClients,
            LongSupplier nanoClock) {
        if (maxClients < 1) {
            throw new IllegalArgumentException("executor.kube.max-clients must be at least 1, got " + maxClients);
        }
        this.own = own;
        this.ownClusterId = ownClusterId.filter(id -> !id.isBlank());
        this.kubeconfigDir = kubeconfigDir.map(dir -> dir.toAbsolutePath().normalize());
        // no Secret namespaces: the executor's kubeconfigs are files (a Secret is mounted as the folder)
        this.factory = new ClusterClientFactory(
                own,
                new KubeconfigSources(
                        this.kubeconfigDir.orElse(null),
                        KUBECONFIG_DIR_SETTING,
                        List.of(),
                        "the executor reads kubeconfig files only",
                        maxKubeconfigBytes),
                httpClients);
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
     *         a plain name, no cluster named at all, a kubeconfig the rules refuse)
     */
    public KubernetesClient forCluster(String clusterId) {
        if (isOwn(clusterId)) {
            return own;
        }
        requirePlainName(clusterId);
        long now = nanoClock.getAsLong();
        // compute holds the entry while it is touched: an eviction removes an entry only through the same map, so it
        // either sees the new last use or happened before this call (which then creates a fresh client)
        Cached cached = clients.compute(clusterId, (id, current) -> {
            if (current == null) {
                // the kubeconfig is looked up and read only for a new client; a cached one is reused as it is
                return new Cached(factory.connect(accessOf(id)).client(), now);
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

    /**
     * How the executor reaches a cluster: {@code IN_CLUSTER} only under {@code executor.kube.own-cluster-id}, else the
     * first of {@code <clusterId>}, {@code <clusterId>.yaml}, {@code <clusterId>.kubeconfig} in the kubeconfig folder.
     */
    ClusterAccess accessOf(String clusterId) {
        if (isOwn(clusterId)) {
            return ClusterAccess.inCluster();
        }
        requirePlainName(clusterId);
        if (kubeconfigDir.isPresent()) {
            Path dir = kubeconfigDir.get();
            for (String name : new String[] {clusterId, clusterId + ".yaml", clusterId + ".kubeconfig"}) {
                Path file = dir.resolve(name).normalize();
                if (file.getParent().equals(dir) && Files.isRegularFile(file)) {
                    return ClusterAccess.file(file.toString());
                }
            }
        }
        throw new ClusterAccessException("no kubeconfig for cluster " + clusterId
                + (kubeconfigDir.isPresent() ? "" : " (" + KUBECONFIG_DIR_SETTING + " is not set)")
                + "; the executor does not fall back to its own cluster");
    }

    private boolean isOwn(String clusterId) {
        return ownClusterId.isPresent() && ownClusterId.get().equals(clusterId);
    }

    private static void requirePlainName(String clusterId) {
        if (clusterId == null || clusterId.isBlank()) {
            throw new ClusterAccessException("the plan names no cluster, and the executor reaches no cluster it is not"
                    + " given a kubeconfig for");
        }
        if (!SAFE_ID.matcher(clusterId).matches()) {
            throw new ClusterAccessException("cluster id '" + clusterId.replaceAll("\\p{Cntrl}", "?")
                    + "' is not a plain name (letters, digits, '.', '_', '-'); no kubeconfig is looked up for it");
        }
    }

    void close(@Observes ShutdownEvent event) {
        clients.values().forEach(c -> c.client.close());
        clients.clear();
    }
}
