package dev.arcfleet.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the services' {@code @QuarkusTest}s share: the JSON mapping the services use for events, and a
 * {@link KafkaCompanion} on the service's broker for each test, opened before it and closed after it. On a SASL
 * broker ({@code fleet.test.kafka.auth=scram}) the companion connects as the broker's super user, so a test's own
 * producers and consumers are not held to the service's ACLs.
 */
public abstract class ServiceKafkaTest {
    /** Dates as ISO-8601 strings, as the services write them. */
    public static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    protected KafkaCompanion kafka;

    @BeforeEach
    void openKafkaCompanion() {
        kafka = companion();
    }

    @AfterEach
    void closeKafkaCompanion() {
        if (kafka != null) {
            kafka.close();
        }
    }

    /** The values of the records {@code task} read with this key, as JSON, in the order read. */
    protected static List<JsonNode> valuesKeyed(ConsumerTask<String, String> task, String key) {
        return task.getRecords().stream()
                .filter(r -> key.equals(r.key()))
                .map(r -> {
                    try {
                        return JSON.readTree(r.value());
                    } catch (Exception e) {
                        throw new AssertionError(r.value(), e);
                    }
                })
                .toList();
    }

    /** A companion on the running service's broker ({@code kafka.bootstrap.servers}); the caller closes it. */
    public static KafkaCompanion companion() {
        var config = ConfigProvider.getConfig();
        KafkaCompanion companion = new KafkaCompanion(config.getValue("kafka.bootstrap.servers", String.class));
        Optional<String> protocol = config.getOptionalValue("kafka.security.protocol", String.class);
        if (protocol.filter(p -> p.startsWith("SASL")).isPresent()) {
            companion.setCommonClientConfig(ScramKafka.get().adminConfig());
            System.out.println("test Kafka companion: the service is on " + protocol.get()
                    + "; the test connects as the super user");
        }
        return companion;
    }
}
