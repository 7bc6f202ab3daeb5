package dev.arcfleet.planner.plan;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.arcfleet.contracts.Capability;
import dev.arcfleet.contracts.OnboardingPlan;
import dev.arcfleet.contracts.Route;
import dev.arcfleet.contracts.StatusEvent;
import dev.arcfleet.contracts.StatusType;
import dev.arcfleet.contracts.Target;
import dev.arcfleet.contracts.TargetKind;
import dev.arcfleet.contracts.Topics;
import dev.arcfleet.planner.PlannerKafkaTest;
import dev.arcfleet.testsupport.FleetInfraResource;
import dev.arcfleet.testsupport.StatusRecords;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The policy's {@code rollouts.default: hold} on the real broker and database: approved plans no rollout selects stay
 * AWAITING_ROLLOUT until a rollout selects them, are released by it once, and a new revision of a plan released that
 * way goes out at once (a plan once released is never held again by the default).
 */
@QuarkusTest
@TestProfile(RolloutDefaultHoldFlowTest.HoldPolicy.class)
@QuarkusTestResource(
        value = FleetInfraResource.class,
        initArgs = @ResourceArg(name = "database", value = "planner_rollout_hold"))
class RolloutDefaultHoldFlowTest extends PlannerKafkaTest {

    public static class HoldPolicy implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            String policy = policyFile("{\"version\": \"hold-by-default\", \"rollouts\": {\"default\": \"hold\"}}");
            return Map.of("fleet.policy.file", policy, "planner.rollouts.tick", "1s");
        }
    }

    ConsumerTask<String, String> plans;

    @BeforeEach
    void connect() {
        plans = kafka.consumeStrings().fromTopics(Topics.PLANS_ARC_K8S);
    }

    @AfterEach
    void close() {
        plans.close();
    }

    @Test
    void approvedPlansNoRolloutSelectsWaitForOneAndAReleasedPlanIsNeverHeldAgain() {
        String site = "hold-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> clusters = List.of(site + "-c0", site + "-c1", site + "-c2");
        for (int i = 0; i < clusters.size(); i++) {
            String c = clusters.get(i);
            send(ApprovalFlowTest.talos(c + "/cp-1", c, site, List.of(), "h" + i));
        }
        // approved by the (implicit) auto-approve-all rule, then held by the default: nothing on the plan topic
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(given().queryParam("state", "AWAITING_ROLLOUT")
                                .queryParam("site", site)
                                .get("/api/v1/plans")
                                .jsonPath()
                                .getInt("count"))
                        .isEqualTo(3));
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(ours(clusters)).isEmpty());

        String id = given().contentType(ContentType.JSON)
                .body("{\"selector\": {\"site\": \"%s\"}, \"soakSeconds\": 0}".formatted(site))
                .post("/api/v1/rollouts")
                .then()
                .statusCode(201)
                .extract()
                .jsonPath()
                .getString("rolloutId");
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(ours(clusters)).hasSize(3));
        clusters.forEach(this::succeed);
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(
                                given().get("/api/v1/rollouts/" + id).jsonPath().getString("state"))
                        .isEqualTo("COMPLETED"));

        // a new revision of a plan the rollout released goes out at once, though no rollout runs now
        String c0 = clusters.get(0);
        send(ApprovalFlowTest.talos(c0 + "/cp-2", c0, site, List.of(Capability.DEFENDER), "h0-defender"));
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(ours(clusters)).hasSize(4));
        List<OnboardingPlan> published = ours(clusters).stream()
                .map(r -> read(r.value(), OnboardingPlan.class))
                .toList();
        assertThat(published.stream().map(p -> p.planId() + "@" + p.revision()))
                .as("each revision once")
                .doesNotHaveDuplicates();
        assertThat(published.stream().filter(p -> p.target().id().equals(c0)))
                .hasSize(2)
                .last()
                .satisfies(p -> assertThat(p.capabilities()).contains(Capability.DEFENDER));
        assertThat(given().queryParam("state", "AWAITING_ROLLOUT")
                        .queryParam("site", site)
                        .get("/api/v1/plans")
                        .jsonPath()
                        .getInt("count"))
                .isZero();
    }

    private List<ConsumerRecord<String, String>> ours(List<String> clusters) {
        return plans.getRecords().stream()
                .filter(r -> clusters.contains(r.key()))
                .toList();
    }

    private void succeed(String cluster) {
        String planId = PlanIds.planId(Route.ARC_K8S, new Target(TargetKind.CLUSTER, cluster));
        StatusEvent event = arcOutcome(planId, cluster, StatusType.SUCCEEDED, 5, "connected", null);
        try {
            kafka.produceStrings()
                    .fromRecords(StatusRecords.of(event, JSON.writeValueAsString(event)))
                    .awaitCompletion();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static <T> T read(String json, Class<T> type) {
        try {
            return JSON.readValue(json, type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
