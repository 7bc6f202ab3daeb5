package dev.arcfleet.inventory.ops;

import dev.arcfleet.contracts.Topics;

import java.util.List;
import java.util.Optional;

/**
 * The consumer groups of the services' incoming channels, as each service's {@code application.properties} names them
 * ({@code mp.messaging.incoming.<channel>.group.id} and {@code .topic}): the only groups the operator tools replay.
 * {@code ConsumerGroupCatalogTest} reads those files and fails when this list and they disagree.
 */
public final class ConsumerGroupCatalog {
    /** A service's consumer group and the topic it reads. */
    public record Subscription(String service, String group, String topic) {
    }

    public static final List<Subscription> ALL = List.of(
            new Subscription("inventory", "inventory", Topics.REGISTRATIONS),
            new Subscription("inventory", "inventory-status", Topics.STATUS),
            new Subscription("planner", "planner", Topics.NODES),
            new Subscription("planner", "planner-status", Topics.STATUS),
            new Subscription("executor", "executor-arc-k8s", Topics.PLANS_ARC_K8S),
            new Subscription("executor", "executor-companion-vm", Topics.PLANS_COMPANION_VM),
            new Subscription("executor", "executor-iot-operations", Topics.PLANS_IOT_OPERATIONS));

    private ConsumerGroupCatalog() {
    }

    public static Optional<Subscription> group(String group) {
        return ALL.stream().filter(s -> s.group().equals(group)).findFirst();
    }

    public static List<Subscription> ofService(String service) {
        return ALL.stream().filter(s -> s.service().equals(service)).toList();
    }

    public static List<String> groupNames() {
        return ALL.stream().map(Subscription::group).toList();
    }
}
