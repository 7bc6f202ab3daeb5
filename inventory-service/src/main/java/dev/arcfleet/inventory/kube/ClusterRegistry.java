package dev.arcfleet.inventory.kube;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Registers, lists and forgets clusters: the stored registration plus the live state of its watch. */
@ApplicationScoped
public class ClusterRegistry {
    private final ClusterStore store;
    private final ClusterWatches watches;

    public ClusterRegistry(ClusterStore store, ClusterWatches watches) {
        this.store = store;
        this.watches = watches;
    }

    /** Stores the cluster and starts watching it; empty when the id is taken. */
    public Optional<RegisteredCluster> register(ClusterSpec spec) {
        Instant now = Instant.now();
        boolean created;
        try {
            created = store.create(spec, now);
        } catch (RuntimeException e) {
            if (store.find(spec.id()).isPresent()) {
                return Optional.empty();
            }
            throw e;
        }
        if (!created) {
            return Optional.empty();
        }
        watches.watch(spec);
        return Optional.of(new RegisteredCluster(spec, now, watches.status(spec.id())));
    }

    public List<RegisteredCluster> list() {
        return store.all().stream()
                .map(c -> new RegisteredCluster(
                        c.spec(), c.createdAt(), watches.status(c.spec().id())))
                .toList();
    }

    public Optional<RegisteredCluster> find(String id) {
        return store.find(id).map(c -> new RegisteredCluster(c.spec(), c.createdAt(), watches.status(id)));
    }

    /**
     * Stops the watch and forgets the cluster. Its nodes stay in the registry as they were: forgetting a cluster is
     * not evidence that its machines left the fleet.
     */
    public boolean remove(String id) {
        boolean removed = store.delete(id);
        watches.unwatch(id);
        return removed;
    }
}
