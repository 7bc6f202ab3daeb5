package dev.arcfleet.inventory.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.arcfleet.contracts.Capability;
import dev.arcfleet.inventory.kube.ClusterAccess;
import dev.arcfleet.inventory.kube.ClusterStatus;
import dev.arcfleet.inventory.kube.RegisteredCluster;

import java.time.Instant;
import java.util.List;

/** A registered cluster on {@code /api/v1/clusters}: its registration (credentials by reference only) and watch status. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClusterView(String id, String site, String distribution, String deviceClass,
        List<Capability> requiredCapabilities, Access access, Instant createdAt, Status status) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Access(String mode, String path, Secret secret) {
    }

    public record Secret(String namespace, String name, String key) {
    }

    /** {@code state}: CONNECTING, WATCHING or DISCONNECTED; {@code nodesSeen}: nodes the cluster lists now. */
    public record Status(String state, String lastError, Instant lastErrorAt, Instant lastSyncAt, Instant lastEventAt,
            int nodesSeen) {
    }

    static ClusterView of(RegisteredCluster cluster) {
        var spec = cluster.spec();
        ClusterAccess a = spec.access();
        Access access = new Access(a.mode().name(), a.path(),
                a.secret() == null ? null : new Secret(a.secret().namespace(), a.secret().name(), a.secret().key()));
        ClusterStatus s = cluster.status();
        return new ClusterView(spec.id(), spec.site(), spec.distribution(),
                spec.deviceClass() == null ? null : spec.deviceClass().name(), spec.requiredCapabilities(), access,
                cluster.createdAt(), new Status(s.state().name(), s.lastError(), s.lastErrorAt(), s.lastSyncAt(),
                        s.lastEventAt(), s.nodesSeen()));
    }
}
