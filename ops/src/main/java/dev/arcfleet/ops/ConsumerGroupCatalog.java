package dev.arcfleet.ops;

import dev.arcfleet.contracts.ConsumerGroups;
import java.util.List;
import java.util.Optional;

/**
 * The consumer groups of the services' incoming channels, as {@link ConsumerGroups} declares them (each service's
 * {@code application.properties} sets them): the only groups the operator tools replay.
 */
public final class ConsumerGroupCatalog {
    /** A service's consumer group and the topic it reads. */
    public record Subscription(String service, String group, String topic) {}

    public static final List<Subscription> ALL = ConsumerGroups.ALL.stream()
            .map(m -> new Subscription(m.service(), m.group(), m.topic()))
            .toList();

    private ConsumerGroupCatalog() {}

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
