package dev.arcfleet.executor.live;

import dev.arcfleet.testsupport.arm.ArmEmulator;
import dev.arcfleet.testsupport.kube.FleetSimulator;
import dev.arcfleet.testsupport.kube.MockClusters;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What a live-mode executor test talks to: the ARM emulator, one mock API server per target cluster, the simulated
 * agents, and the secret values handed to the executor (so a test can prove they never leak).
 */
public record LiveFleet(
        ArmEmulator arm,
        MockClusters clusters,
        FleetSimulator simulator,
        Path logFile,
        String armToken,
        String principalSecret) {

    /**
     * How long the emulator's operations take unless a test sets its own (and sets this back): long enough that every
     * PUT and DELETE is answered 201/202 and polled, as ARM's long-running operations are, and short enough that a
     * route of two dozen steps is not mostly waiting; the executor polls every {@link #POLL_INTERVAL}.
     */
    public static final Duration PROVISIONING = Duration.ofMillis(100);

    public static final Duration POLL_INTERVAL = Duration.ofMillis(50);

    public static final String SUBSCRIPTION = "6f1c3e2a-0b7d-4c55-9a51-2f7d5c0e9b10";
    public static final String RESOURCE_GROUP = "arc-fleet-live";
    public static final List<String> CLUSTERS = List.of(
            "ghent-line3",
            "adopted-edge",
            "lyon-edge",
            "bremen-plant",
            "faults-a",
            "faults-b",
            "secrets-a",
            "secrets-b",
            "storm-0",
            "storm-1",
            "storm-2",
            "storm-3",
            "storm-4",
            "storm-5",
            "storm-6",
            "storm-7",
            "cancelled-a",
            "elsewhere-edge",
            "nohost-edge",
            "foreign-poll",
            "off-arc",
            "off-elsewhere",
            "off-vm",
            "off-iot",
            "off-crash",
            "off-stuck",
            "off-slow",
            "off-inflight",
            "off-cancelled",
            "revised-edge");

    public String resourceGroupId() {
        return "/subscriptions/" + SUBSCRIPTION + "/resourceGroups/" + RESOURCE_GROUP;
    }

    public String connectedClusterId(String clusterId) {
        return resourceGroupId() + "/providers/Microsoft.Kubernetes/connectedClusters/" + clusterId;
    }
}
