package dev.arcfleet.inventory.kube;

import dev.arcfleet.contracts.Capability;
import dev.arcfleet.contracts.DeviceClass;
import dev.arcfleet.support.kube.ClusterAccess;
import java.util.List;

/**
 * A registered Kubernetes cluster: what its discovered nodes inherit (site, distribution, device class, required
 * capabilities) and how to reach it. {@code deviceClass} is null when the nodes' own labels decide.
 */
public record ClusterSpec(
        String id,
        String site,
        String distribution,
        DeviceClass deviceClass,
        List<Capability> requiredCapabilities,
        ClusterAccess access) {

    public ClusterSpec {
        requiredCapabilities = requiredCapabilities == null ? List.of() : List.copyOf(requiredCapabilities);
    }
}
