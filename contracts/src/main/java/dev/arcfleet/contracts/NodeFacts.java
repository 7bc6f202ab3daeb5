package dev.arcfleet.contracts;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The latest full, normalized facts of one node: the value of {@code fleet.nodes} (CloudEvents type
 * {@link EventTypes#NODE_FACTS}). {@code factsHash} covers the normalized facts only, not the event fields.
 */
public record NodeFacts(
        String eventId,
        String correlationId,
        Instant occurredAt,
        String nodeId,
        String hostname,
        String site,
        DeviceClass deviceClass,
        Map<String, String> osRelease,
        String osImage,
        String kernelVersion,
        HostFacts host,
        ClusterRef cluster,
        Virtualization virtualization,
        List<Capability> requiredCapabilities,
        Map<String, String> labels,
        FactsSource source,
        Instant observedAt,
        OsIdentity os,
        String factsHash) {

    @com.fasterxml.jackson.annotation.JsonIgnore
    public String clusterId() {
        return cluster == null ? null : cluster.id();
    }

    /** The same facts as another event: {@code eventId}, occurred at {@code occurredAt}. */
    public NodeFacts asEvent(String eventId, Instant occurredAt) {
        return copy(eventId, correlationId, occurredAt, site, observedAt, factsHash);
    }

    /**
     * The same facts as the event of another registration: its event and correlation ids, occurred and observed at
     * {@code at}. None of these is in the hash, so facts normalized once can be stamped for each use.
     */
    public NodeFacts stamped(String eventId, String correlationId, Instant at) {
        return copy(eventId, correlationId, at, site, at, factsHash);
    }

    /** These facts at another site. */
    public NodeFacts withSite(String site) {
        return copy(eventId, correlationId, occurredAt, site, observedAt, factsHash);
    }

    /** These facts as observed at {@code observedAt}. */
    public NodeFacts withObservedAt(Instant observedAt) {
        return copy(eventId, correlationId, occurredAt, site, observedAt, factsHash);
    }

    /** These facts with their hash. */
    public NodeFacts withFactsHash(String factsHash) {
        return copy(eventId, correlationId, occurredAt, site, observedAt, factsHash);
    }

    /** The one copy the withers share: the fields they may change, the rest kept. */
    private NodeFacts copy(
            String eventId,
            String correlationId,
            Instant occurredAt,
            String site,
            Instant observedAt,
            String factsHash) {
        return new NodeFacts(
                eventId,
                correlationId,
                occurredAt,
                nodeId,
                hostname,
                site,
                deviceClass,
                osRelease,
                osImage,
                kernelVersion,
                host,
                cluster,
                virtualization,
                requiredCapabilities,
                labels,
                source,
                observedAt,
                os,
                factsHash);
    }
}
