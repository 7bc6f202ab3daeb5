package dev.arcfleet.contracts;

/** SmallRye Reactive Messaging channel names, configured under "## Kafka" in each service. */
public final class Channels {
    public static final String REGISTRATIONS_IN = "registrations-in";
    public static final String NODES_IN = "nodes-in";
    public static final String STATUS_IN = "status-in";
    public static final String ROLLOUTS_IN = "rollouts-in";
    public static final String PLANS_ARC_K8S_IN = "plans-arc-k8s-in";
    public static final String PLANS_COMPANION_VM_IN = "plans-companion-vm-in";
    public static final String PLANS_IOT_OPERATIONS_IN = "plans-iot-operations-in";
    /** The outbox relay's single outgoing channel; the topic is set per record. */
    public static final String OUTBOX_OUT = "outbox-out";

    private Channels() {}
}
