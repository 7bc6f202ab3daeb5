package dev.arcfleet.testsupport;

import dev.arcfleet.contracts.Topics;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Gives a {@code @QuarkusTest} a real Kafka broker and a real PostgreSQL database (init arg {@code database},
 * default {@code fleet}), with every topic of docs/contracts.md#topics and its dead-letter topic created.
 *
 * <p>Kafka authentication: init arg {@code kafka.auth}, else the switch {@code fleet.test.kafka.auth}
 * ({@link KafkaBackend}), {@code none} (default) or {@code scram}. With {@code scram} the service runs on the
 * {@link ScramKafka} broker as its own user of {@code deploy/k8s/base/kafka-users.yaml}: init arg {@code kafka.user},
 * else {@code fleet-<service>} from the database name's prefix ({@code inventory_test} is {@code fleet-inventory}).
 * A resource on SCRAM orders after one without, so its settings win where a module's resources are combined.
 */
public class FleetInfraResource implements QuarkusTestResourceLifecycleManager {
    private String database = "fleet";
    private boolean scram;
    private String kafkaUser;

    @Override
    public void init(Map<String, String> initArgs) {
        database = initArgs.getOrDefault("database", database);
        String auth = initArgs.get("kafka.auth");
        scram = KafkaBackend.isScram(auth != null ? auth : KafkaBackend.setting(KafkaBackend.AUTH_PROPERTY));
        kafkaUser = initArgs.get("kafka.user");
    }

    @Override
    public Map<String, String> start() {
        List<String> topics = new ArrayList<>(Topics.MAIN);
        Topics.MAIN.forEach(t -> topics.add(Topics.deadLetter(t)));
        Map<String, String> config = new HashMap<>();
        if (scram) {
            ScramKafka kafka = ScramKafka.get();
            kafka.createTopics(topics);
            config.putAll(kafka.quarkusConfig(kafkaUser != null ? kafkaUser : userOf(database)));
        } else {
            LocalKafka.createTopics(topics);
            config.put("kafka.bootstrap.servers", LocalKafka.bootstrapServers());
        }
        config.put("quarkus.datasource.jdbc.url", LocalPostgres.database(database));
        config.put("quarkus.datasource.username", LocalPostgres.USER);
        config.put("quarkus.datasource.password", "");
        return config;
    }

    @Override
    public int order() {
        return scram ? 1 : 0;
    }

    /** {@code fleet-<service>} from a database name such as {@code planner_caps}. */
    static String userOf(String database) {
        String service = database.split("_", 2)[0];
        if (!List.of("inventory", "planner", "executor").contains(service)) {
            throw new IllegalArgumentException("Kafka with SCRAM: database " + database
                    + " names no service (inventory_*, planner_*, executor_*); give the init arg kafka.user");
        }
        return "fleet-" + service;
    }

    @Override
    public void stop() {
        // The brokers and the database server outlive one test class: they stop with the JVM.
    }
}
