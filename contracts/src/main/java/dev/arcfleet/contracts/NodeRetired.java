package dev.arcfleet.contracts;

import java.time.Instant;

/**
 * A node left the fleet (deleted from its cluster, or retired by an operator); downstream offboards it.
 * {@code factsObservedAt} is the {@link NodeFacts#observedAt()} of the facts it retires, the node's latest: a consumer
 * that already holds later facts of the node (it was registered again) knows the retirement is behind them.
 */
public record NodeRetired(
        String eventId,
        String correlationId,
        Instant occurredAt,
        String nodeId,
        String clusterId,
        String reason,
        Instant factsObservedAt) {}
