package dev.arcfleet.planner.plan;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arcfleet.contracts.EventTypes;
import dev.arcfleet.contracts.NodeFacts;
import dev.arcfleet.contracts.NodeRetired;
import dev.arcfleet.contracts.Topics;
import dev.arcfleet.testsupport.FleetInfraResource;
import dev.arcfleet.testsupport.ServiceKafkaTest;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Retirements on {@code fleet.nodes} against the real broker and database: the cluster's Arc plan is offboarded with
 * its last node only, once, and a node registered again is onboarded under a new revision. Records of one cluster are
 * ordered (one key), so a plan seen after a retirement proves the retirements before it were handled.
 */
@QuarkusTest
@QuarkusTestResource(value = FleetInfraResource.class, initArgs = @ResourceArg(name = "database", value = "planner_test"))
class OffboardingFlowTest extends ServiceKafkaTest {

    @Test
    void theLastNodeRetiredOffboardsTheClusterOnceAndARegistrationOnboardsItAgain() {
        String cluster = "retire-" + UUID.randomUUID().toString().substring(0, 8);
        ConsumerTask<String, String> plans = kafka.consumeStrings().fromTopics(Topics.PLANS_ARC_K8S);
        NodeFacts n1 = PlanningFlowTest.talosInCluster(cluster + "/cp-1", cluster, List.of(), "o1");
        NodeFacts n2 = PlanningFlowTest.talosInCluster(cluster + "/worker-1", cluster, List.of(), "o2");
        sendFacts(n1);
        sendFacts(n2);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(plansFor(plans, cluster)).hasSize(1));
        JsonNode onboarding = plansFor(plans, cluster).get(0);

        // one of two nodes retired: nothing; the last one: the cluster's offboarding, same plan id, on the same topic
        sendRetired(n2.nodeId(), cluster);
        sendRetired(n1.nodeId(), cluster);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(plansFor(plans, cluster)).hasSize(2));
        JsonNode offboarding = plansFor(plans, cluster).get(1);
        assertThat(offboarding.get("action").asText()).isEqualTo("OFFBOARD");
        assertThat(offboarding.get("planId").asText()).isEqualTo(onboarding.get("planId").asText());
        assertThat(offboarding.get("revision").asText()).isEqualTo(onboarding.get("revision").asText() + "-offboard");

        // a replayed retirement publishes nothing; the node registered again is onboarded from scratch
        sendRetired(n1.nodeId(), cluster);
        sendFacts(PlanningFlowTest.talosInCluster(n1.nodeId(), cluster, List.of(), "o1"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(plansFor(plans, cluster)).hasSize(3));
        JsonNode again = plansFor(plans, cluster).get(2);
        assertThat(again.get("action").isNull() || "ONBOARD".equals(again.get("action").asText())).isTrue();
        assertThat(again.get("revision").asText()).isEqualTo(onboarding.get("revision").asText() + "-g1");
        assertThat(again.get("nodeIds").toString()).contains(n1.nodeId());
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4))
                .untilAsserted(() -> assertThat(plansFor(plans, cluster)).hasSize(3));
        plans.close();
    }

    private List<JsonNode> plansFor(ConsumerTask<String, String> task, String cluster) {
        return task.getRecords().stream().filter(r -> cluster.equals(r.key())).map(r -> {
            try {
                return JSON.readTree(r.value());
            } catch (Exception e) {
                throw new AssertionError(r.value(), e);
            }
        }).toList();
    }

    private void sendFacts(NodeFacts facts) {
        send(facts.clusterId(), facts.eventId(), EventTypes.NODE_FACTS, facts);
    }

    private void sendRetired(String nodeId, String cluster) {
        String eventId = UUID.randomUUID().toString();
        send(cluster, eventId, EventTypes.NODE_RETIRED,
                new NodeRetired(eventId, "corr-" + nodeId, Instant.now(), nodeId, cluster, "deleted"));
    }

    private void send(String key, String eventId, String type, Object event) {
        try {
            ProducerRecord<String, String> record = new ProducerRecord<>(Topics.NODES, key, JSON.writeValueAsString(event));
            record.headers().add(EventTypes.CE_ID, eventId.getBytes(StandardCharsets.UTF_8));
            record.headers().add(EventTypes.CE_TYPE, type.getBytes(StandardCharsets.UTF_8));
            kafka.produceStrings().fromRecords(record).awaitCompletion();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
