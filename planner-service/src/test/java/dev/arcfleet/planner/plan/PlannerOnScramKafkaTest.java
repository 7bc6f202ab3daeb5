package dev.arcfleet.planner.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.arcfleet.contracts.EventTypes;
import dev.arcfleet.contracts.NodeFacts;
import dev.arcfleet.contracts.Topics;
import dev.arcfleet.planner.FlowPolicy;
import dev.arcfleet.testsupport.ScramKafka;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The planner on a broker that authenticates (SASL/SCRAM) and authorizes as every deployment's does, as fleet-planner
 * (the profile it shares with the approval, rollout and target tests: {@link FlowPolicy}).
 */
@QuarkusTest
@TestProfile(FlowPolicy.class)
class PlannerOnScramKafkaTest {
    static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    @ConfigProperty(name = "kafka.security.protocol")
    String protocol;

    @Test
    void plansTheInventorysNodesAndPublishesAsItsOwnUser() throws Exception {
        assertThat(protocol).isEqualTo("SASL_PLAINTEXT");
        ScramKafka kafka = ScramKafka.get();
        String cluster = "scram-" + UUID.randomUUID().toString().substring(0, 8);
        // a site whose plans are approved automatically, so the plan is published at once
        NodeFacts facts = ApprovalFlowTest.talos(cluster + "/cp-1", cluster, FlowPolicy.AUTO_SITE, List.of(), "s1");
        ProducerRecord<String, String> record =
                new ProducerRecord<>(Topics.NODES, facts.clusterId(), JSON.writeValueAsString(facts));
        record.headers().add(EventTypes.CE_ID, facts.eventId().getBytes(StandardCharsets.UTF_8));
        record.headers().add(EventTypes.CE_TYPE, EventTypes.NODE_FACTS.getBytes(StandardCharsets.UTF_8));
        kafka.produceAs("fleet-inventory", record);

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(kafka.records(Topics.PLANS_ARC_K8S)).anyMatch(r -> cluster.equals(r.key()));
            assertThat(kafka.records(Topics.STATUS)).anyMatch(r -> r.value().contains(cluster + "/cp-1"));
        });
    }

    @Test
    void thePlannersUserIsRefusedNodesAndRegistrations() {
        ScramKafka kafka = ScramKafka.get();
        for (String topic : List.of(Topics.NODES, Topics.REGISTRATIONS)) {
            assertThatThrownBy(() -> kafka.produceAs("fleet-planner", new ProducerRecord<>(topic, "k", "{}")))
                    .as(topic)
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(TopicAuthorizationException.class);
        }
    }
}
