package dev.arcfleet.executor.route;

import java.util.List;

/** One idempotent step of a route: what it applies to ARM and Kubernetes, and what it waits for. */
public record StepSpec(String name, List<ArmRequest> arm, List<KubeObject> kube, WaitFor waitFor) {

    public static StepSpec arm(String name, ArmRequest... requests) {
        return new StepSpec(name, List.of(requests), List.of(), null);
    }

    public static StepSpec kube(String name, KubeObject... objects) {
        return new StepSpec(name, List.of(), List.of(objects), null);
    }

    public static StepSpec await(String name, WaitFor waitFor) {
        return new StepSpec(name, List.of(), List.of(), waitFor);
    }
}
