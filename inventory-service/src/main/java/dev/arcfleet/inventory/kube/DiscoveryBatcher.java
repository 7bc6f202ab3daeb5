package dev.arcfleet.inventory.kube;

import dev.arcfleet.contracts.FactsSource;
import dev.arcfleet.contracts.Registration;
import dev.arcfleet.inventory.registrations.Registrant;
import dev.arcfleet.inventory.registrations.RegistrationService;
import dev.arcfleet.support.log.LogSafe;
import dev.arcfleet.support.worker.ManagedWorker;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Registers what the informers see, in batches: one worker drains the queue into batches of up to
 * {@code fleet.discovery.batch-size} node changes (the last change per node wins) and applies each batch in one
 * transaction, so a 5,000-node cluster's initial list is ten transactions, not 5,000. A batch that fails is retried
 * node by node; a node that still fails is logged and shown in its cluster's status, and the next resync or
 * reconciliation delivers it again. A reconciliation is a barrier: everything queued before it is applied first.
 */
@ApplicationScoped
public class DiscoveryBatcher {
    static final String DELETED = "deleted from its Kubernetes cluster";
    static final String NO_LONGER_LISTED = "no longer listed by its Kubernetes cluster";

    private final BlockingQueue<DiscoveryWork> queue = new LinkedBlockingQueue<>();
    private final RegistrationService registrations;
    private final DiscoveredNodes discovered;
    private final DiscoveryConfig config;
    private final ManagedWorker worker =
            ManagedWorker.named("discovery-batcher").interruptOnStop(true).build(this::drainOnce);

    public DiscoveryBatcher(RegistrationService registrations, DiscoveredNodes discovered, DiscoveryConfig config) {
        this.registrations = registrations;
        this.discovered = discovered;
        this.config = config;
    }

    void start(@Observes StartupEvent event) {
        worker.start();
    }

    void stop(@Observes ShutdownEvent event) {
        worker.stop();
    }

    void submit(DiscoveryWork work) {
        queue.add(work);
        worker.wakeUp();
    }

    /** Node changes waiting to be registered (for tests and operators). */
    public int backlog() {
        return queue.size();
    }

    /**
     * One turn of the worker: applies what is queued, if anything. A failed batch ends up in the worker's log and
     * backoff; what it held comes back with the next resync.
     */
    private boolean drainOnce() throws InterruptedException {
        DiscoveryWork first = queue.poll();
        if (first == null) {
            return false;
        }
        drainFrom(first);
        return true;
    }

    private void drainFrom(DiscoveryWork first) throws InterruptedException {
        if (first instanceof DiscoveryWork.Reconcile reconcile) {
            reconcile(reconcile);
            return;
        }
        List<DiscoveryWork> batch = new ArrayList<>();
        batch.add(first);
        DiscoveryWork.Reconcile barrier = null;
        long deadline = System.nanoTime() + config.batchLinger().toNanos();
        while (batch.size() < config.batchSize()) {
            long wait = deadline - System.nanoTime();
            DiscoveryWork next = wait > 0 ? queue.poll(wait, TimeUnit.NANOSECONDS) : queue.poll();
            if (next == null) {
                break;
            }
            if (next instanceof DiscoveryWork.Reconcile reconcile) {
                barrier = reconcile;
                break;
            }
            batch.add(next);
        }
        apply(batch);
        if (barrier != null) {
            reconcile(barrier);
        }
    }

    private void apply(List<DiscoveryWork> batch) {
        Map<String, DiscoveryWork> latest = new LinkedHashMap<>();
        for (DiscoveryWork work : batch) {
            if (!work.watch().stopped()) {
                String nodeId = nodeId(work);
                latest.remove(nodeId);
                latest.put(nodeId, work);
            }
        }
        if (latest.isEmpty()) {
            return;
        }
        try {
            applyInOneTransaction(List.copyOf(latest.values()));
        } catch (RuntimeException e) {
            if (latest.size() == 1) {
                failed(latest.values().iterator().next(), e);
                return;
            }
            Log.warnf(e, "a batch of %d node changes failed; applying them one by one", latest.size());
            for (DiscoveryWork work : latest.values()) {
                try {
                    applyInOneTransaction(List.of(work));
                } catch (RuntimeException single) {
                    failed(work, single);
                }
            }
        }
    }

    private void applyInOneTransaction(List<DiscoveryWork> works) {
        List<Registration> upserts = new ArrayList<>();
        List<String> retirements = new ArrayList<>();
        for (DiscoveryWork work : works) {
            if (work instanceof DiscoveryWork.Upsert upsert) {
                upserts.add(upsert.registration());
            } else if (work instanceof DiscoveryWork.Retire retire) {
                retirements.add(retire.nodeId());
            }
        }
        QuarkusTransaction.requiringNew().run(() -> {
            if (!upserts.isEmpty()) {
                registrations.register(upserts, FactsSource.KUBERNETES, Registrant.DISCOVERY);
            }
            if (!retirements.isEmpty()) {
                registrations.retire(retirements, DELETED);
            }
        });
    }

    private void reconcile(DiscoveryWork.Reconcile reconcile) {
        ClusterWatch watch = reconcile.watch();
        try {
            if (watch.stopped()) {
                return;
            }
            // registry first, cluster second: a node added in between is not in the registry list, so it cannot be
            // mistaken for one that left
            List<String> active = discovered.activeNodeIds(watch.clusterId());
            Set<String> listed = watch.listedNodeIds();
            if (listed == null) {
                return;
            }
            List<String> gone =
                    active.stream().filter(id -> !listed.contains(id)).toList();
            if (!gone.isEmpty()) {
                List<String> retired = registrations.retire(gone, NO_LONGER_LISTED);
                Log.infof("cluster %s: retired %d nodes it no longer lists", watch.clusterId(), retired.size());
            }
            watch.synced(Instant.now());
        } catch (RuntimeException e) {
            Log.warnf(e, "cluster %s: comparing its nodes with the registry failed", watch.clusterId());
            watch.problem("comparing the cluster's nodes with the registry failed: " + ErrorText.of(e));
        } finally {
            watch.reconcileDone();
        }
    }

    private static void failed(DiscoveryWork work, RuntimeException e) {
        Log.errorf(
                e,
                "cluster %s: node %s could not be stored; the next resync delivers it again",
                work.watch().clusterId(),
                LogSafe.of(nodeId(work)));
        work.watch().problem("node " + nodeId(work) + " could not be stored: " + ErrorText.of(e));
    }

    private static String nodeId(DiscoveryWork work) {
        if (work instanceof DiscoveryWork.Upsert upsert) {
            return upsert.registration().deviceId();
        }
        if (work instanceof DiscoveryWork.Retire retire) {
            return retire.nodeId();
        }
        return work.watch().clusterId();
    }
}
