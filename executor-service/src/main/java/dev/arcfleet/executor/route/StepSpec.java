package dev.arcfleet.executor.route;

import java.util.List;

/**
 * One idempotent step of a route: what it applies to ARM and Kubernetes, and what it waits for. A step with a
 * {@code guard} first reads the cluster's Arc agents' ConfigMap ({@link ArcConnection}); {@code guardMode} says what
 * each answer does to the step. A step with a {@code refusal} fails with it.
 */
public record StepSpec(
        String name,
        List<ArmRequest> arm,
        List<KubeObject> kube,
        WaitFor waitFor,
        ArcConnection guard,
        String refusal,
        GuardMode guardMode) {

    /** What a guarded step does with the cluster's Arc connection; every mode fails where the agents belong elsewhere. */
    public enum GuardMode {
        /** Onboarding: runs where the cluster is not connected; skipped where its agents belong to this resource. */
        UNLESS_CONNECTED,
        /**
         * Offboarding, as {@code az connectedk8s delete}: runs where the agents belong to this resource; skipped where
         * the cluster has no agents (nothing to remove).
         */
        IF_CONNECTED_HERE
    }

    public StepSpec(
            String name,
            List<ArmRequest> arm,
            List<KubeObject> kube,
            WaitFor waitFor,
            ArcConnection guard,
            String refusal) {
        this(name, arm, kube, waitFor, guard, refusal, guard == null ? null : GuardMode.UNLESS_CONNECTED);
    }

    public StepSpec(String name, List<ArmRequest> arm, List<KubeObject> kube, WaitFor waitFor) {
        this(name, arm, kube, waitFor, null, null, null);
    }

    /**
     * A step that cannot be carried out as configured: it fails with {@code reason} in every mode, so a dry run shows
     * what a live run would lack before anything is written.
     */
    public static StepSpec refused(String name, String reason) {
        return new StepSpec(name, List.of(), List.of(), null, null, reason, null);
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
        return new StepSpec(name, arm, kube, waitFor, connection, refusal, GuardMode.UNLESS_CONNECTED);
    }

    /** This step, run only where the cluster's agents belong to {@code connection}'s resource (see {@link GuardMode}). */
    public StepSpec ifConnectedHere(ArcConnection connection) {
        return new StepSpec(name, arm, kube, waitFor, connection, refusal, GuardMode.IF_CONNECTED_HERE);
    }
}
