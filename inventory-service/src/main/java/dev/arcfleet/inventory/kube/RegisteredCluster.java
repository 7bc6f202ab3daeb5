package dev.arcfleet.inventory.kube;

import java.time.Instant;

/** A cluster as registered, with the live status of its watch on this instance. */
public record RegisteredCluster(ClusterSpec spec, Instant createdAt, ClusterStatus status) {}
