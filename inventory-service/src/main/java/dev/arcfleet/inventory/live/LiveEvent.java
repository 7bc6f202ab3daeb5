package dev.arcfleet.inventory.live;

import java.time.Instant;

/**
 * What the dashboard is told as it happens: a node registered or changed ({@code kind} NODE), or a status event
 * applied to the registry ({@code kind} STATUS). Ids and states only; the page reads details from the API.
 */
public record LiveEvent(
        String kind,
        String nodeId,
        String planId,
        String type,
        String route,
        String step,
        String detail,
        String correlationId,
        Instant occurredAt) {}
