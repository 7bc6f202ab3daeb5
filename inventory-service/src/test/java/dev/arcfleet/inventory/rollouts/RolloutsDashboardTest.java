package dev.arcfleet.inventory.rollouts;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.arcfleet.contracts.Decision;
import dev.arcfleet.contracts.RolloutState;
import dev.arcfleet.contracts.StatusType;
import dev.arcfleet.contracts.Target;
import dev.arcfleet.contracts.TargetKind;
import dev.arcfleet.contracts.Topics;
import dev.arcfleet.inventory.InventoryKafkaTest;
import dev.arcfleet.testsupport.FleetInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A plan held for a rollout on its nodes, and the rollouts panel's API over {@code onboarding.rollouts}. */
@QuarkusTest
@QuarkusTestResource(
        value = FleetInfraResource.class,
        initArgs = @ResourceArg(name = "database", value = "inventory_test"))
class RolloutsDashboardTest extends InventoryKafkaTest {
    @Test
    void aPlanHeldForARolloutShowsAwaitingRolloutOnItsNodesUntilItStarts() throws Exception {
        String cluster = "wave-" + UUID.randomUUID().toString().substring(0, 8);
        String node = cluster + "/cp-1";
        register(node, null, TALOS, cluster);
        String planId = UUID.randomUUID().toString();
        Target target = new Target(TargetKind.CLUSTER, cluster);
        Decision decision = arcDecision(node, planId, target);
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        send(event(StatusType.PLANNED, node, planId, target, 0, decision, t0));
        send(planEvent(StatusType.APPROVED, planId, target, "rule:all", t0.plusMillis(1), 0, "approved"));
        send(planEvent(StatusType.AWAITING_ROLLOUT, planId, target, null, t0.plusMillis(2), 0, "held for a rollout"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonPath page = given().get("/api/v1/nodes/" + node).jsonPath();
            assertThat(page.getString("onboarding.state")).isEqualTo("AWAITING_ROLLOUT");
            assertThat(page.getString("onboarding.approval.state")).isEqualTo("APPROVED");
            assertThat(given().get("/api/v1/fleet/summary").jsonPath().getLong("byState.AWAITING_ROLLOUT"))
                    .isPositive();
            assertThat(given().queryParam("state", "AWAITING_ROLLOUT")
                            .queryParam("cluster", cluster)
                            .get("/api/v1/nodes")
                            .jsonPath()
                            .getList("items.nodeId", String.class))
                    .containsExactly(node);
        });
        // the rollout releases it: its execution starts, and the node shows that
        send(planEvent(StatusType.STARTED, planId, target, null, t0.plusSeconds(1), 1, "connecting"));
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(
                                given().get("/api/v1/nodes/" + node).jsonPath().getString("onboarding.state"))
                        .isEqualTo("IN_PROGRESS"));
    }

    @Test
    void theRolloutsPanelShowsEachRolloutsNewestStateWithItsCommands() throws Exception {
        String id = "ro-" + UUID.randomUUID();
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        RolloutState active = new RolloutState(
                UUID.randomUUID().toString(),
                id,
                "lyon in waves",
                "ACTIVE",
                1,
                3,
                null,
                List.of(new RolloutState.Batch(1, 90, 10, 5, 2, 0, 0, 3, List.of())),
                t0);
        RolloutState suspended = new RolloutState(
                UUID.randomUUID().toString(),
                id,
                "lyon in waves",
                "SUSPENDED",
                2,
                3,
                "batch 2 fell below its success threshold of 100%: 1 failed",
                List.of(
                        new RolloutState.Batch(1, 90, 10, 10, 10, 0, 0, 0, List.of()),
                        new RolloutState.Batch(
                                2,
                                100,
                                10,
                                5,
                                3,
                                1,
                                1,
                                0,
                                List.of(
                                        new RolloutState.Failure("p-1", "FAILED", "rehearsed failure"),
                                        new RolloutState.Failure("p-2", "TIMED_OUT", "no outcome within 600s")))),
                t0.plusSeconds(2));
        RolloutState late = new RolloutState(
                UUID.randomUUID().toString(), id, "lyon in waves", "ACTIVE", 2, 3, null, List.of(), t0.plusSeconds(1));
        ConsumerTask<String, String> dlq = kafka.consumeStrings().fromTopics(Topics.deadLetter(Topics.ROLLOUTS));
        send(active);
        send(suspended);
        send(late);
        send(suspended);
        String bad = "ro-" + UUID.randomUUID();
        send(new RolloutState(UUID.randomUUID().toString(), bad, "x", "EXPLODED", 0, 1, null, List.of(), t0));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonPath r = given().get("/api/v1/dashboard/rollouts")
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath();
            List<String> ids = r.getList("rollouts.rolloutId", String.class);
            assertThat(ids).contains(id).doesNotContain(bad);
            int i = ids.indexOf(id);
            String at = "rollouts[" + i + "].";
            assertThat(r.getString(at + "state")).isEqualTo("SUSPENDED");
            assertThat(r.getInt(at + "currentBatch")).isEqualTo(2);
            assertThat(r.getInt(at + "batchCount")).isEqualTo(3);
            assertThat(r.getString(at + "reason")).startsWith("batch 2 fell below");
            assertThat(r.getInt(at + "current.released")).isEqualTo(5);
            assertThat(r.getInt(at + "current.succeeded")).isEqualTo(3);
            assertThat(r.getInt(at + "current.failed")).isEqualTo(1);
            assertThat(r.getInt(at + "current.timedOut")).isEqualTo(1);
            assertThat(r.getInt(at + "current.threshold")).isEqualTo(100);
            assertThat(r.getList(at + "current.failures.reason", String.class))
                    .containsExactly("rehearsed failure", "no outcome within 600s");
            assertThat(r.getInt(at + "batches[0].succeeded")).isEqualTo(10);
            assertThat(r.getString(at + "resumeCommand")).isEqualTo("bin/fleet-local rollouts resume " + id);
            assertThat(r.getString(at + "abortCommand")).isEqualTo("bin/fleet-local rollouts abort " + id);
            assertThat(Instant.parse(r.getString(at + "updatedAt"))).isEqualTo(t0.plusSeconds(2));
            assertThat(dlq.getRecords()).anySatisfy(d -> assertThat(d.key()).isEqualTo(bad));
        });

        // once it ends there is nothing left to resume or abort
        send(new RolloutState(
                UUID.randomUUID().toString(),
                id,
                "lyon in waves",
                "ABORTED",
                2,
                3,
                null,
                suspended.batches(),
                t0.plusSeconds(3)));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonPath r = given().get("/api/v1/dashboard/rollouts").jsonPath();
            int i = r.getList("rollouts.rolloutId", String.class).indexOf(id);
            assertThat(r.getString("rollouts[" + i + "].state")).isEqualTo("ABORTED");
            assertThat(r.getString("rollouts[" + i + "].resumeCommand")).isNull();
            assertThat(r.getString("rollouts[" + i + "].abortCommand")).isNull();
        });
        dlq.close();
    }
}
