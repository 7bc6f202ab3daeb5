package dev.arcfleet.inventory.kube;

import dev.arcfleet.support.kube.ClusterClientFactory;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.quarkus.logging.Log;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * The watch on one cluster's nodes: its client, a fabric8 node informer, and what the status view shows. The
 * informer re-lists and re-watches by itself after errors (its exception handler always asks it to retry); this
 * class records those errors so the status says DISCONNECTED until the watch is open again, and rebuilds the client
 * from freshly read credentials when the supervisor finds it disconnected for too long or never connected.
 */
final class ClusterWatch {
    /** Page size of the informer's list calls, so a large cluster is listed in chunks. */
    private static final long LIST_PAGE = 500;

    private final ClusterSpec spec;
    private final ClusterClientFactory clients;
    private final NodeMapper mapper;
    private final DiscoveryBatcher batcher;
    private final Duration resync;
    private final AtomicBoolean connectPending = new AtomicBoolean();
    private final AtomicBoolean reconcilePending = new AtomicBoolean();

    private ClusterClientFactory.Connection connection;
    private volatile SharedIndexInformer<Node> informer;
    private volatile boolean stopped;
    private volatile boolean failing;
    private volatile String lastError;
    private volatile Instant lastErrorAt;
    private volatile Instant lastSyncAt;
    private volatile Instant lastEventAt;
    private volatile Instant notWatchingSince;

    ClusterWatch(
            ClusterSpec spec,
            ClusterClientFactory clients,
            NodeMapper mapper,
            DiscoveryBatcher batcher,
            Duration resync) {
        this.spec = spec;
        this.clients = clients;
        this.mapper = mapper;
        this.batcher = batcher;
        this.resync = resync;
    }

    ClusterSpec spec() {
        return spec;
    }

    String clusterId() {
        return spec.id();
    }

    boolean stopped() {
        return stopped;
    }

    /** Queues a (re)connect on the connector thread, unless one is queued already. */
    void scheduleConnect(Executor connector) {
        if (!stopped && connectPending.compareAndSet(false, true)) {
            connector.execute(() -> {
                try {
                    connect();
                } catch (RuntimeException e) {
                    // the connector thread serves every cluster: one that cannot be connected must not end it
                    connectionFailed(ErrorText.of(e));
                } finally {
                    connectPending.set(false);
                }
            });
        }
    }

    private synchronized void connect() {
        if (stopped) {
            return;
        }
        close();
        notWatchingSince = Instant.now();
        try {
            connection = clients.connect(spec.access());
            SharedIndexInformer<Node> nodes =
                    connection.client().nodes().withLimit(LIST_PAGE).runnableInformer(resync.toMillis());
            nodes.exceptionHandler((started, error) -> {
                connectionFailed(ErrorText.of(error));
                return !stopped;
            });
            nodes.addEventHandler(new NodeEventHandler(this, mapper, batcher));
            informer = nodes;
            Log.infof(
                    "cluster %s: watching nodes through %s",
                    spec.id(), spec.access().describe());
            nodes.start().whenComplete((ignored, error) -> {
                if (error == null) {
                    requestReconcile();
                }
            });
        } catch (RuntimeException e) {
            connectionFailed(ErrorText.of(e));
            close();
        }
    }

    void stop() {
        stopped = true;
        synchronized (this) {
            close();
        }
    }

    /**
     * Stops the informer, then closes the client. Either may throw when the client went away underneath (a retry of
     * the informer racing the close answers "Client is closed"): the watch is being dropped either way, so that is
     * logged and the rest of the close goes on.
     */
    private void close() {
        SharedIndexInformer<Node> current = informer;
        informer = null;
        ClusterClientFactory.Connection closing = connection;
        connection = null;
        if (current != null) {
            try {
                current.stop();
            } catch (RuntimeException e) {
                Log.debugf("cluster %s: stopping the node informer: %s", spec.id(), ErrorText.of(e));
            }
        }
        if (closing != null) {
            try {
                closing.close();
            } catch (RuntimeException e) {
                Log.debugf("cluster %s: closing the client: %s", spec.id(), ErrorText.of(e));
            }
        }
    }

    void connectionFailed(String message) {
        failing = true;
        problem(message);
    }

    /** Records a problem that is not the connection's (a node that cannot be mapped or stored). */
    void problem(String message) {
        lastError = message;
        lastErrorAt = Instant.now();
        Log.warnf("cluster %s: %s", spec.id(), message);
    }

    void eventReceived() {
        lastEventAt = Instant.now();
    }

    /** The registry now matches the cluster's full node list. */
    void synced(Instant at) {
        lastSyncAt = at;
    }

    boolean watching() {
        SharedIndexInformer<Node> current = informer;
        return !stopped && current != null && current.isWatching();
    }

    /** Notes whether the watch is open now; the supervisor and the status view call this. */
    void sample(Instant now) {
        if (watching()) {
            failing = false;
            notWatchingSince = null;
        } else if (notWatchingSince == null) {
            notWatchingSince = now;
        }
    }

    WatchState state() {
        SharedIndexInformer<Node> current = informer;
        if (watching()) {
            return WatchState.WATCHING;
        }
        if (failing || current != null && informerStopped(current)) {
            return WatchState.DISCONNECTED;
        }
        return WatchState.CONNECTING;
    }

    ClusterStatus status(Instant now) {
        sample(now);
        SharedIndexInformer<Node> current = informer;
        int nodesSeen = current == null ? 0 : current.getStore().listKeys().size();
        return new ClusterStatus(state(), lastError, lastErrorAt, lastSyncAt, lastEventAt, nodesSeen);
    }

    /**
     * Whether to rebuild the client: it never connected, its informer stopped, or the informer has been failing for
     * longer than {@code after} (credentials may have been rotated; a fresh read picks them up).
     */
    boolean needsReconnect(Instant now, Duration after) {
        if (stopped || connectPending.get()) {
            return false;
        }
        SharedIndexInformer<Node> current = informer;
        if (current == null || informerStopped(current)) {
            return true;
        }
        Instant since = notWatchingSince;
        return failing
                && !current.isWatching()
                && since != null
                && !since.plus(after).isAfter(now);
    }

    boolean reconcileDue(Instant now, Duration every) {
        Instant last = lastSyncAt;
        return watching() && (last == null || !last.plus(every).isAfter(now));
    }

    /** Queues a full comparison with the registry, unless one is queued already. */
    void requestReconcile() {
        if (!stopped && reconcilePending.compareAndSet(false, true)) {
            batcher.submit(new DiscoveryWork.Reconcile(this));
        }
    }

    void reconcileDone() {
        reconcilePending.set(false);
    }

    /** Node ids of every node the cluster lists now, or null while the informer has no complete, current list. */
    Set<String> listedNodeIds() {
        SharedIndexInformer<Node> current = informer;
        if (current == null || !current.hasSynced() || !current.isWatching()) {
            return null;
        }
        return current.getStore().list().stream()
                .map(n -> NodeMapper.nodeId(spec.id(), n.getMetadata().getName()))
                .collect(Collectors.toSet());
    }

    private static boolean informerStopped(SharedIndexInformer<Node> informer) {
        return informer.stopped().toCompletableFuture().isDone();
    }
}
