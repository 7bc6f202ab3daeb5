package dev.arcfleet.executor;

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
import dev.arcfleet.testsupport.ServiceKafkaTest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * One executor deployment per route: a deployment with the other routes' plan channels disabled by configuration
 * executes its own route's plans and leaves the others' on their topics for the deployments that own them.
 */
@QuarkusTest
@TestProfile(ArcK8sDeploymentWithAuth.class)
class OneRouteDeploymentTest {
    @Inject
    ObjectMapper mapper;

    @Test
    void executesItsRouteAndLeavesTheOthersPlansAlone() throws Exception {
        String cluster = "only-" + UUID.randomUUID().toString().substring(0, 8);
        OnboardingPlan companion = plan(Route.COMPANION_VM, new Target(TargetKind.NODE, cluster + "/n1"));
        OnboardingPlan arc = plan(Route.ARC_K8S, new Target(TargetKind.CLUSTER, cluster));
        try (KafkaCompanion kafka = ServiceKafkaTest.companion()) {
            send(kafka, Topics.PLANS_COMPANION_VM, companion);
            send(kafka, Topics.PLANS_ARC_K8S, arc);
        }
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> RestAssured.get("/api/v1/executions/" + arc.planId())
                        .then()
                        .statusCode(200)
                        .body("state", equalTo("SUCCEEDED")));
        // the companion plan was published first; had its channel been consumed it would have been accepted by now
        await().during(Duration.ofSeconds(3))
                .atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> RestAssured.get("/api/v1/executions/" + companion.planId())
                        .then()
                        .statusCode(404));
    }

    private OnboardingPlan plan(Route route, Target target) {
        return new OnboardingPlan(
                UUID.randomUUID().toString(),
                "corr-" + UUID.randomUUID(),
                Instant.now(),
                UUID.randomUUID().toString(),
                "r1",
                route,
                target,
                List.of(target.id()),
                List.of(Capability.MONITOR),
                List.of(),
                null,
                "2026-11-25.1",
                Map.of("clusterId", target.id().split("/")[0]));
    }

    private void send(KafkaCompanion kafka, String topic, OnboardingPlan plan) throws Exception {
        kafka.produceStrings()
                .fromRecords(PlanRecords.of(topic, plan, mapper.writeValueAsString(plan)))
                .awaitCompletion();
    }
}
