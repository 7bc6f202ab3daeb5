package dev.arcfleet.inventory.kube;

public enum WatchState {
    /** Listing the cluster's nodes for the first time, or reconnecting without an error so far. */
    CONNECTING,
    /** The node watch is open: changes arrive as they happen. */
    WATCHING,
    /** The cluster cannot be reached (see the last error); the watch keeps retrying by itself. */
    DISCONNECTED
}
