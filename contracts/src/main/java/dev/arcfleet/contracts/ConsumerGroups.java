package dev.arcfleet.contracts;

import java.util.List;

/**
 * The Kafka consumer groups each service owns, one per incoming channel of {@link Channels}, with the topic it reads.
 * Each service's {@code application.properties} sets {@code mp.messaging.incoming.<channel>.group.id} to these names
 * ({@code ConsumerGroupsTest} checks it); the operator tools replay exactly these groups.
 */
public final class ConsumerGroups {
    public static final String INVENTORY_SERVICE = "inventory";
    public static final String PLANNER_SERVICE = "planner";
    public static final String EXECUTOR_SERVICE = "executor";

    /** inventory-service on {@link Channels#REGISTRATIONS_IN}. */
    public static final String INVENTORY = "inventory";
    /** inventory-service on {@link Channels#STATUS_IN}. */
    public static final String INVENTORY_STATUS = "inventory-status";
    /** inventory-service on {@link Channels#ROLLOUTS_IN}. */
    public static final String INVENTORY_ROLLOUTS = "inventory-rollouts";
    /** planner-service on {@link Channels#NODES_IN}. */
    public static final String PLANNER = "planner";
    /** planner-service on {@link Channels#STATUS_IN}. */
    public static final String PLANNER_STATUS = "planner-status";
    /** executor-service on {@link Channels#PLANS_ARC_K8S_IN}. */
    public static final String EXECUTOR_ARC_K8S = "executor-arc-k8s";
    /** executor-service on {@link Channels#PLANS_COMPANION_VM_IN}. */
    public static final String EXECUTOR_COMPANION_VM = "executor-companion-vm";
    /** executor-service on {@link Channels#PLANS_IOT_OPERATIONS_IN}. */
    public static final String EXECUTOR_IOT_OPERATIONS = "executor-iot-operations";

    /** A service's consumer group on one incoming channel, and the topic that channel reads. */
    public record Membership(String service, String channel, String group, String topic) {}

    public static final List<Membership> ALL = List.of(
            new Membership(INVENTORY_SERVICE, Channels.REGISTRATIONS_IN, INVENTORY, Topics.REGISTRATIONS),
            new Membership(INVENTORY_SERVICE, Channels.STATUS_IN, INVENTORY_STATUS, Topics.STATUS),
            new Membership(INVENTORY_SERVICE, Channels.ROLLOUTS_IN, INVENTORY_ROLLOUTS, Topics.ROLLOUTS),
            new Membership(PLANNER_SERVICE, Channels.NODES_IN, PLANNER, Topics.NODES),
            new Membership(PLANNER_SERVICE, Channels.STATUS_IN, PLANNER_STATUS, Topics.STATUS),
            new Membership(EXECUTOR_SERVICE, Channels.PLANS_ARC_K8S_IN, EXECUTOR_ARC_K8S, Topics.PLANS_ARC_K8S),
            new Membership(
                    EXECUTOR_SERVICE, Channels.PLANS_COMPANION_VM_IN, EXECUTOR_COMPANION_VM, Topics.PLANS_COMPANION_VM),
            new Membership(
                    EXECUTOR_SERVICE,
                    Channels.PLANS_IOT_OPERATIONS_IN,
                    EXECUTOR_IOT_OPERATIONS,
                    Topics.PLANS_IOT_OPERATIONS));

    private ConsumerGroups() {}
}
