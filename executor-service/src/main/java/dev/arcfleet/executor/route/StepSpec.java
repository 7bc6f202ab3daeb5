package dev.arcfleet.executor.route;

import java.util.List;

/**
 * One idempotent step of a route: what it applies to ARM and Kubernetes, and what it waits for. A step with a
 * {@code guard} runs only on a cluster that is not connected to Azure Arc yet: it is skipped where the cluster is
 * already connected to this very resource (adopted as it is), and fails where it is connected to another one. A step
 * with a {@code refusal} fails with it.
 */
public record StepSpec(String name, List<ArmRequest> arm, List<KubeObject> kube, WaitFor waitFor, ArcConnection guard,
        String refusal) {

    public StepSpec(String name, List<ArmRequest> arm, List<KubeObject> kube, WaitFor waitFor) {
        this(name, arm, kube, waitFor, null, null);
    }

    /**
     * A step that cannot be carried out as configured: it fails with {@code reason} in every mode, so a dry run shows
     * what a live run would lack before anything is written.
     */
    public static StepSpec refused(String name, String reason) {
        return new StepSpec(name, List.of(), List.of(), null, null, reason);
    }

    public static StepSpec arm(String name, ArmRequest... requests) {
        return new StepSpec(name, List.of(requests), List.of(), null);
    }

    public static StepSpec kube(String name, KubeObject... objects) {
        return new StepSpec(name, List.of(), List.of(objects), null);
    }

    public static StepSpec await(String name, WaitFor waitFor) {
        return new StepSpec(name, List.of(), List.of(), waitFor);
    }

    /** This step, run only where the cluster is not yet connected (see {@link ArcConnection}). */
    public StepSpec unlessConnected(ArcConnection connection) {
        return new StepSpec(name, arm, kube, waitFor, connection, refusal);
    }
}
