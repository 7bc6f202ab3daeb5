package dev.arcfleet.inventory.kube;

import java.time.Instant;

/**
 * A snapshot of one cluster's watch: its state, the last error (kept after recovery, with its time), when the node
 * list was last compared with the registry in full, when the last node change arrived, and how many nodes the
 * cluster currently lists.
 */
public record ClusterStatus(
        WatchState state,
        String lastError,
        Instant lastErrorAt,
        Instant lastSyncAt,
        Instant lastEventAt,
        int nodesSeen) {}
