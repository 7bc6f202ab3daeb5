package dev.arcfleet.inventory.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import dev.arcfleet.contracts.Topics;
import dev.arcfleet.testsupport.ScramKafka;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The inventory on a broker that authenticates (SASL/SCRAM) and authorizes as every deployment's does, as
 * fleet-inventory (the profile it shares with the token tests: {@link AuthTest.AuthOn}).
 */
@QuarkusTest
@TestProfile(AuthTest.AuthOn.class)
class InventoryOnScramKafkaTest {
    @ConfigProperty(name = "kafka.security.protocol")
    String protocol;

    @ConfigProperty(name = "kafka.sasl.mechanism")
    String mechanism;

    @Test
    void consumesADevicesRegistrationAndPublishesTheNodeAsItsOwnUser() throws Exception {
        assertThat(protocol).isEqualTo("SASL_PLAINTEXT");
        assertThat(mechanism).isEqualTo("SCRAM-SHA-512");
        ScramKafka kafka = ScramKafka.get();
        String device = "scram-" + UUID.randomUUID();
        kafka.produceAs(
                "fleet-device",
                new ProducerRecord<>(
                        Topics.REGISTRATIONS,
                        device,
                        "{\"deviceId\": \"" + device + "\", \"osImage\": \"Talos (v1.8.2)\"}"));

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            given().get("/api/v1/nodes/" + device).then().statusCode(200).body("os.family", equalTo("talos"));
            assertThat(kafka.records(Topics.NODES)).anyMatch(r -> r.value().contains(device));
        });
        given().get("/q/health/ready").then().statusCode(200);
    }

    @Test
    void aDeviceIsRefusedEveryTopicButRegistrations() {
        ScramKafka kafka = ScramKafka.get();
        for (String topic : List.of(Topics.NODES, Topics.STATUS, Topics.PLANS_ARC_K8S)) {
            assertThatThrownBy(() -> kafka.produceAs("fleet-device", new ProducerRecord<>(topic, "k", "{}")))
                    .as(topic)
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(TopicAuthorizationException.class);
        }
    }
}
