package dev.arcfleet.inventory.kube;

import dev.arcfleet.contracts.Registration;

/** What an informer hands to the {@link DiscoveryBatcher}: cheap to create, applied later in batches. */
sealed interface DiscoveryWork {
    ClusterWatch watch();

    /** A node was listed, added or changed: register its facts. */
    record Upsert(ClusterWatch watch, Registration registration) implements DiscoveryWork {}

    /** A node was deleted from its cluster: retire it. */
    record Retire(ClusterWatch watch, String nodeId) implements DiscoveryWork {}

    /** Compare the cluster's full node list with the registry and retire what the cluster no longer has. */
    record Reconcile(ClusterWatch watch) implements DiscoveryWork {}
}
