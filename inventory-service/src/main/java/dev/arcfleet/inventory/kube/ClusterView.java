package dev.arcfleet.inventory.kube;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.arcfleet.contracts.Capability;
import dev.arcfleet.support.kube.ClusterAccess;
import java.time.Instant;
import java.util.List;

/** A registered cluster on {@code /api/v1/clusters}: its registration (credentials by reference only) and watch status. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClusterView(
        String id,
        String site,
        String distribution,
        String deviceClass,
        List<Capability> requiredCapabilities,
        Access access,
        Instant createdAt,
        Status status) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Access(String mode, String path, Secret secret) {}

    public record Secret(String namespace, String name, String key) {}

    /** {@code state}: CONNECTING, WATCHING or DISCONNECTED; {@code nodesSeen}: nodes the cluster lists now. */
    public record Status(
            String state,
            String lastError,
            Instant lastErrorAt,
            Instant lastSyncAt,
            Instant lastEventAt,
            int nodesSeen) {}

    /** What the cluster view says of a watch problem to a reader without a token: no path, no raw error. */
    static final String ERROR_HIDDEN = "cannot reach the cluster (details for operators)";

    /**
     * The view for a caller without a token: the access mode only, and whether the watch has a problem but not its text
     * (a path or an error would tell an anonymous caller which files exist on the service's host).
     */
    static ClusterView anonymous(RegisteredCluster cluster) {
        ClusterView full = of(cluster);
        Status s = full.status();
        return new ClusterView(
                full.id(),
                full.site(),
                full.distribution(),
                full.deviceClass(),
                full.requiredCapabilities(),
                new Access(full.access().mode(), null, null),
                full.createdAt(),
                new Status(
                        s.state(),
                        s.lastError() == null ? null : ERROR_HIDDEN,
                        s.lastErrorAt(),
                        s.lastSyncAt(),
                        s.lastEventAt(),
                        s.nodesSeen()));
    }

    static ClusterView of(RegisteredCluster cluster) {
        var spec = cluster.spec();
        ClusterAccess a = spec.access();
        Access access = new Access(
                a.mode().name(),
                a.path(),
                a.secret() == null
                        ? null
                        : new Secret(
                                a.secret().namespace(),
                                a.secret().name(),
                                a.secret().key()));
        ClusterStatus s = cluster.status();
        return new ClusterView(
                spec.id(),
                spec.site(),
                spec.distribution(),
                spec.deviceClass() == null ? null : spec.deviceClass().name(),
                spec.requiredCapabilities(),
                access,
                cluster.createdAt(),
                new Status(
                        s.state().name(),
                        s.lastError(),
                        s.lastErrorAt(),
                        s.lastSyncAt(),
                        s.lastEventAt(),
                        s.nodesSeen()));
    }
}
