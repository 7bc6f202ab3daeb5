package dev.arcfleet.contracts;

import java.util.List;
import java.util.Map;

/**
 * What a device or importer sends (docs/contracts.md#registration). Enum-like fields stay strings here: the
 * inventory validates them and answers one message per bad field.
 */
public record Registration(
        String deviceId,
        String hostname,
        String site,
        String deviceClass,
        Map<String, String> osRelease,
        String osImage,
        String kernelVersion,
        HostFacts host,
        ClusterRef cluster,
        Virtualization virtualization,
        List<String> requiredCapabilities,
        Map<String, String> labels) {}
