package dev.arcfleet.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arcfleet.contracts.Topics;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ScramKafkaTest {
    static ScramKafka kafka;

    @BeforeAll
    static void broker() {
        kafka = ScramKafka.get();
        kafka.createTopics(List.of(Topics.REGISTRATIONS, Topics.NODES));
    }

    @Test
    void hasTheUsersOfTheKubernetesDeploy() {
        assertThat(kafka.users()).containsExactly("fleet-inventory", "fleet-planner", "fleet-executor", "fleet-device");
        assertThat(FleetInfraResource.userOf("planner_caps")).isEqualTo("fleet-planner");
    }

    @Test
    void aDeviceWritesRegistrationsAndNothingElse() throws Exception {
        String key = "n-" + UUID.randomUUID();
        assertThat(kafka.produceAs("fleet-device", new ProducerRecord<>(Topics.REGISTRATIONS, key, "{}"))
                        .topic())
                .isEqualTo(Topics.REGISTRATIONS);
        assertThatThrownBy(() -> kafka.produceAs("fleet-device", new ProducerRecord<>(Topics.NODES, "c1", "{}")))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(TopicAuthorizationException.class);
        assertThat(kafka.records(Topics.REGISTRATIONS)).anyMatch(r -> key.equals(r.key()));
        assertThat(kafka.records(Topics.NODES)).noneMatch(r -> "c1".equals(r.key()));
    }

    @Test
    void aWrongPasswordIsRefused() {
        Map<String, Object> config = new HashMap<>(kafka.clientConfig("fleet-device"));
        config.put(
                "sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"fleet-device\" password=\"wrong\";");
        try (KafkaProducer<String, String> impostor = producer(config)) {
            assertThatThrownBy(() -> impostor.send(new ProducerRecord<>(Topics.REGISTRATIONS, "n1", "{}"))
                            .get(30, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(SaslAuthenticationException.class);
        }
    }

    static KafkaProducer<String, String> producer(Map<String, Object> base) {
        Map<String, Object> config = new HashMap<>(base);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    }
}
