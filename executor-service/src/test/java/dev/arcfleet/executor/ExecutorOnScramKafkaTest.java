package dev.arcfleet.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arcfleet.contracts.Capability;
import dev.arcfleet.contracts.OnboardingPlan;
import dev.arcfleet.contracts.Route;
import dev.arcfleet.contracts.Target;
import dev.arcfleet.contracts.TargetKind;
import dev.arcfleet.contracts.Topics;
import dev.arcfleet.testsupport.PlanRecords;
import dev.arcfleet.testsupport.ScramKafka;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The executor on a broker that authenticates (SASL/SCRAM) and authorizes as every deployment's does, as
 * fleet-executor ({@link ArcK8sDeploymentWithAuth}: a deployment of the Arc-enabled Kubernetes route).
 */
@QuarkusTest
@TestProfile(ArcK8sDeploymentWithAuth.class)
class ExecutorOnScramKafkaTest {
    @ConfigProperty(name = "kafka.security.protocol")
    String protocol;

    @Inject
    ObjectMapper mapper;

    @Test
    void executesThePlannersPlanAndReportsStatusAsItsOwnUser() throws Exception {
        assertThat(protocol).isEqualTo("SASL_PLAINTEXT");
        ScramKafka kafka = ScramKafka.get();
        Target target = new Target(
                TargetKind.CLUSTER, "scram-" + UUID.randomUUID().toString().substring(0, 8));
        OnboardingPlan plan = new OnboardingPlan(
                UUID.randomUUID().toString(),
                "corr-" + UUID.randomUUID(),
                Instant.now(),
                UUID.randomUUID().toString(),
                "r1",
                Route.ARC_K8S,
                target,
                List.of(target.id()),
                List.of(Capability.POLICY),
                List.of(),
                null,
                "2026-11-24.1",
                Map.of("distribution", "k3s"));
        kafka.produceAs("fleet-planner", PlanRecords.of(Topics.PLANS_ARC_K8S, plan, mapper.writeValueAsString(plan)));

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            RestAssured.get("/api/v1/executions/" + plan.planId())
                    .then()
                    .statusCode(200)
                    .body("state", equalTo("SUCCEEDED"));
            assertThat(kafka.records(Topics.STATUS))
                    .filteredOn(r -> r.value().contains(plan.planId()))
                    .anyMatch(r -> r.value().contains("\"SUCCEEDED\""));
        });
    }

    @Test
    void theExecutorsUserIsRefusedPlansNodesAndRegistrations() {
        ScramKafka kafka = ScramKafka.get();
        for (String topic : List.of(Topics.PLANS_ARC_K8S, Topics.NODES, Topics.REGISTRATIONS)) {
            assertThatThrownBy(() -> kafka.produceAs("fleet-executor", new ProducerRecord<>(topic, "k", "{}")))
                    .as(topic)
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(TopicAuthorizationException.class);
        }
    }
}
