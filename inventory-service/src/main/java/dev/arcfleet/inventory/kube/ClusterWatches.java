package dev.arcfleet.inventory.kube;

import dev.arcfleet.support.kube.ClusterClientFactory;
import dev.arcfleet.support.worker.ManagedWorker;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The node watches of this instance, one per registered cluster. They are resumed for every stored cluster at
 * startup, and a supervisor keeps them in line with the database (a cluster registered or deleted through another
 * replica), reconnects broken ones and schedules the periodic reconciliation. Connecting (which may read a file or
 * a Secret) happens on one connector thread, never on a request or informer thread.
 */
@ApplicationScoped
public class ClusterWatches {
    private final Map<String, ClusterWatch> watches = new ConcurrentHashMap<>();
    /** Connects clusters one at a time; its stop interrupts a connect under way. */
    private final ManagedWorker connector = ManagedWorker.named("cluster-connector")
            .idleWait(java.time.Duration.ofMinutes(1))
            .stopTimeout(java.time.Duration.ofSeconds(2))
            .interruptOnStop(true)
            .buildExecutor();

    private final NodeMapper mapper = new NodeMapper();
    private final ClusterStore store;
    private final ClusterClientFactory clients;
    private final DiscoveryBatcher batcher;
    private final DiscoveryConfig config;

    public ClusterWatches(
            ClusterStore store, ClusterClientFactory clients, DiscoveryBatcher batcher, DiscoveryConfig config) {
        this.store = store;
        this.clients = clients;
        this.batcher = batcher;
        this.config = config;
    }

    void resume(@Observes StartupEvent event) {
        connector.start();
        if (!config.enabled()) {
            Log.info("cluster discovery is disabled on this instance (fleet.discovery.enabled=false)");
            return;
        }
        var clusters = store.all();
        clusters.forEach(c -> watch(c.spec()));
        Log.infof("resumed node watches of %d clusters", clusters.size());
    }

    void stopAll(@Observes ShutdownEvent event) {
        watches.values().forEach(ClusterWatch::stop);
        watches.clear();
        connector.stop();
    }

    /** Starts watching a cluster unless this instance watches it already. */
    public void watch(ClusterSpec spec) {
        if (!config.enabled()) {
            return;
        }
        watches.computeIfAbsent(spec.id(), id -> new ClusterWatch(spec, clients, mapper, batcher, config.resync()))
                .scheduleConnect(connector);
    }

    public void unwatch(String clusterId) {
        ClusterWatch watch = watches.remove(clusterId);
        if (watch != null) {
            watch.stop();
            Log.infof("cluster %s: node watch stopped", clusterId);
        }
    }

    public ClusterStatus status(String clusterId) {
        ClusterWatch watch = watches.get(clusterId);
        if (watch != null) {
            return watch.status(Instant.now());
        }
        if (!config.enabled()) {
            return new ClusterStatus(
                    WatchState.DISCONNECTED,
                    "not watched by this instance (fleet.discovery.enabled=false)",
                    null,
                    null,
                    null,
                    0);
        }
        return new ClusterStatus(WatchState.CONNECTING, null, null, null, null, 0);
    }

    // not while the application stops: the stored clusters are read from a database that may be closed by then
    @Scheduled(
            every = "{fleet.discovery.supervise-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void supervise() {
        if (!config.enabled()) {
            return;
        }
        Map<String, ClusterSpec> stored =
                store.all().stream().collect(Collectors.toMap(c -> c.spec().id(), ClusterStore.StoredCluster::spec));
        Set.copyOf(watches.keySet()).stream()
                .filter(id -> !stored.containsKey(id))
                .forEach(this::unwatch);
        stored.values().stream().filter(spec -> !watches.containsKey(spec.id())).forEach(this::watch);

        Instant now = Instant.now();
        for (ClusterWatch watch : watches.values()) {
            watch.sample(now);
            if (watch.needsReconnect(now, config.reconnectAfter())) {
                watch.scheduleConnect(connector);
            } else if (watch.reconcileDue(now, config.resync())) {
                watch.requestReconcile();
            }
        }
    }
}
