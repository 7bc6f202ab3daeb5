package dev.arcfleet.contracts;

import java.util.List;

/** Kafka topic names: the public, keyed streams of docs/contracts.md#topics. */
public final class Topics {
    /** Raw registrations from devices and importers, keyed by deviceId. */
    public static final String REGISTRATIONS = "fleet.registrations";
    /** Latest full facts per node, keyed by clusterId, else nodeId. Never compacted: the key is shared by a cluster's nodes. */
    public static final String NODES = "fleet.nodes";

    public static final String PLANS_ARC_K8S = "onboarding.plans.arc-k8s";
    public static final String PLANS_COMPANION_VM = "onboarding.plans.companion-vm";
    public static final String PLANS_IOT_OPERATIONS = "onboarding.plans.iot-operations";
    /** Every onboarding step, keyed by nodeId or target id; read by dashboards. */
    public static final String STATUS = "onboarding.status";
    /** Each rollout's latest state, keyed by rollout id, compacted; written by the planner, read by dashboards. */
    public static final String ROLLOUTS = "onboarding.rollouts";

    public static final String DLQ_SUFFIX = ".dlq";

    public static final List<String> MAIN =
            List.of(REGISTRATIONS, NODES, PLANS_ARC_K8S, PLANS_COMPANION_VM, PLANS_IOT_OPERATIONS, STATUS, ROLLOUTS);

    public static String deadLetter(String topic) {
        return topic + DLQ_SUFFIX;
    }

    public static String planTopic(Route route) {
        return switch (route) {
            case ARC_K8S -> PLANS_ARC_K8S;
            case COMPANION_VM -> PLANS_COMPANION_VM;
            case IOT_OPERATIONS -> PLANS_IOT_OPERATIONS;
            case DIRECT_AGENT, BLOCKED -> throw new IllegalArgumentException(route + " has no executor plan topic");
        };
    }

    private Topics() {}
}
