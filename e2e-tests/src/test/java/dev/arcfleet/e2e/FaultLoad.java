package dev.arcfleet.e2e;

import dev.arcfleet.contracts.EventTypes;
import dev.arcfleet.contracts.Topics;
import dev.arcfleet.local.stack.ServiceProcess;
import dev.arcfleet.testsupport.LocalAdminToken;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/** What the fault tests send and run: registrations that get one decision each, and inventory plus planner. */
final class FaultLoad {
    private FaultLoad() {}

    /** Ubuntu servers (DIRECT_AGENT, PLANNED) and Flatcar hosts outside any cluster (BLOCKED): one decision each. */
    static String registration(String deviceId, int i) {
        return i % 2 == 0
                ? "{\"deviceId\": \"" + deviceId
                        + "\", \"site\": \"lyon\", \"deviceClass\": \"SERVER\", \"osRelease\": {\"ID\": \"ubuntu\","
                        + " \"VERSION_ID\": \"22.04\"}, \"host\": {\"readOnlyUsr\": false, \"packageManager\": \"apt\"}}"
                : "{\"deviceId\": \"" + deviceId + "\", \"site\": \"porto\", \"deviceClass\": \"SERVER\","
                        + " \"osImage\": \"Flatcar Container Linux by Kinvolk 3975.2.1 (Oklo)\", \"host\": {\"readOnlyUsr\": true}}";
    }

    /** The registration as a device puts it on {@code fleet.registrations}. */
    static ProducerRecord<String, String> record(String deviceId, int i) {
        ProducerRecord<String, String> record =
                new ProducerRecord<>(Topics.REGISTRATIONS, deviceId, registration(deviceId, i));
        record.headers().add(EventTypes.CE_ID, UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
        record.headers().add(EventTypes.CE_TYPE, EventTypes.REGISTRATION_SUBMITTED.getBytes(StandardCharsets.UTF_8));
        return record;
    }

    /** An idempotent producer with {@code acks=all}, as a device fleet's gateway would use. */
    static KafkaProducer<String, String> producer(String bootstrap, Map<String, Object> extra) {
        Map<String, Object> config = new HashMap<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class.getName()));
        config.putAll(extra);
        return new KafkaProducer<>(config);
    }

    /** inventory and planner as processes on the given broker, each with the database {@code jdbcUrl} names for it. */
    static List<ServiceProcess> inventoryAndPlanner(Path root, String bootstrap, UnaryOperator<String> jdbcUrl) {
        return inventoryAndPlanner(root, bootstrap, jdbcUrl, service -> Map.of());
    }

    /** The same, each service also with {@code kafkaEnv}'s Kafka login settings for it (by short name). */
    static List<ServiceProcess> inventoryAndPlanner(
            Path root,
            String bootstrap,
            UnaryOperator<String> jdbcUrl,
            Function<String, Map<String, String>> kafkaEnv) {
        List<ServiceProcess> services = new ArrayList<>();
        for (String service : List.of("inventory", "planner")) {
            Map<String, String> env = new HashMap<>(Map.of(
                    "KAFKA_BOOTSTRAP_SERVERS",
                    bootstrap,
                    "QUARKUS_DATASOURCE_JDBC_URL",
                    jdbcUrl.apply(service),
                    "QUARKUS_DATASOURCE_USERNAME",
                    "postgres",
                    "QUARKUS_DATASOURCE_PASSWORD",
                    "",
                    "FLEET_DISCOVERY_ENABLED",
                    "false",
                    LocalAdminToken.ENV,
                    LocalAdminToken.file()));
            env.putAll(kafkaEnv.apply(service));
            services.add(ServiceProcess.start(root, service + "-service", env, Pipeline.logDir(root)));
        }
        services.forEach(s -> s.awaitReady(Duration.ofSeconds(90)));
        return services;
    }
}
