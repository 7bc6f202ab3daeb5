package dev.arcfleet.contracts;

import java.time.Instant;

/** A node left the fleet (deleted from its cluster, or retired by an operator); downstream offboards it. */
public record NodeRetired(
        String eventId, String correlationId, Instant occurredAt, String nodeId, String clusterId, String reason) {}
