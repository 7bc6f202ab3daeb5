package dev.arcfleet.testsupport;

import dev.arcfleet.contracts.Topics;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Gives a {@code @QuarkusTest} a real KRaft broker and a real PostgreSQL database (init arg {@code database},
 * default {@code fleet}), with every topic of docs/contracts.md#topics and its dead-letter topic created.
 */
public class FleetInfraResource implements QuarkusTestResourceLifecycleManager {
    private String database = "fleet";

    @Override
    public void init(Map<String, String> initArgs) {
        database = initArgs.getOrDefault("database", database);
    }

    @Override
    public Map<String, String> start() {
        String bootstrap = LocalKafka.bootstrapServers();
        List<String> topics = new ArrayList<>(Topics.MAIN);
        Topics.MAIN.forEach(t -> topics.add(Topics.deadLetter(t)));
        LocalKafka.createTopics(topics);
        String jdbcUrl = LocalPostgres.database(database);
        return Map.of(
                "kafka.bootstrap.servers", bootstrap,
                "quarkus.datasource.jdbc.url", jdbcUrl,
                "quarkus.datasource.username", LocalPostgres.USER,
                "quarkus.datasource.password", "");
    }

    @Override
    public void stop() {
        // The broker and the database server outlive one test class: they stop with the JVM.
    }
}
