package dev.arcfleet.planner.plan;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.arcfleet.contracts.EventTypes;
import dev.arcfleet.contracts.RolloutState;
import dev.arcfleet.contracts.Route;
import dev.arcfleet.contracts.StatusEvent;
import dev.arcfleet.contracts.StatusType;
import dev.arcfleet.contracts.Target;
import dev.arcfleet.contracts.TargetKind;
import dev.arcfleet.contracts.Topics;
import dev.arcfleet.planner.FlowPolicy;
import dev.arcfleet.planner.PlannerKafkaTest;
import dev.arcfleet.testsupport.StatusRecords;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Rollouts on the real broker and database. Plans wait for approval (the manual policy), so the whole fleet is held
 * for the rollout at once when an operator approves it; the test plays the executor by publishing the status events
 * of the plans it sees released: SUCCEEDED, or FAILED with a rehearsal's reason for the targets chosen to fail.
 */
@QuarkusTest
@TestProfile(FlowPolicy.class)
class RolloutFlowTest extends PlannerKafkaTest {
    static final String REHEARSAL =
            "dry-run rehearsal: rehearsed failure (target %s matches executor.dry-run.fail-targets)";

    ConsumerTask<String, String> plans;
    /** Plan ids the test (as executor) answered already. */
    final Set<String> answered = new HashSet<>();

    @BeforeEach
    void connect() {
        plans = kafka.consumeStrings().fromTopics(Topics.PLANS_ARC_K8S);
    }

    @AfterEach
    void close() {
        plans.close();
    }

    @Test
    void aRehearsedFailureInBatchTwoSuspendsTheRolloutAndResumeCompletesIt() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String site = "waves-" + run;
        prefix = site;
        List<String> clusters = fleet(site, 30);
        List<String> planIds =
                clusters.stream().map(RolloutFlowTest::planId).sorted().toList();
        // batches take held plans in plan id order: batch 2 is the 11th to 20th; two of them are rehearsed to fail
        Set<String> failing = Set.of(planIds.get(10), planIds.get(11));
        // until it suspends, the successes of batch 2 are held back: its first failure must find them still running
        Set<String> heldBack = new HashSet<>(planIds.subList(10, 20));
        heldBack.removeAll(failing);

        JsonPath created = given().contentType(ContentType.JSON)
                .body("""
                {"name": "ghent in waves", "selector": {"site": "%s"}, "batches": [{"count": 10}, {"percent": 33, "threshold": 100}],
                 "successThreshold": 90, "soakSeconds": 0, "progressDeadlineSeconds": 600, "maxConcurrent": 5}
                """.formatted(site))
                .post("/api/v1/rollouts")
                .then()
                .statusCode(201)
                .extract()
                .jsonPath();
        String id = created.getString("rolloutId");
        assertThat(created.getString("state")).isEqualTo("ACTIVE");
        assertThat(created.getInt("batchCount")).isEqualTo(3);
        approveSite(site, 30);

        // batch 1: at most 5 running at once, all succeed; batch 2: the failures suspend it with 5 released
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            answer(failing, heldBack);
            JsonPath r = rollout(id);
            assertThat(r.getString("state")).isEqualTo("SUSPENDED");
            assertThat(r.getInt("currentBatch")).isEqualTo(2);
        });
        assertThat(released()).hasSize(15);
        assertThat(maxRunningSeen).isLessThanOrEqualTo(5);
        // the running executions of the suspended batch finish; nothing new is released
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            answer(failing);
            assertThat(released()).hasSize(15);
            assertThat(rollout(id).getInt("current.running")).isZero();
        });
        JsonPath suspended = rollout(id);
        assertThat(suspended.getString("state")).isEqualTo("SUSPENDED");
        assertThat(suspended.getString("reason")).startsWith("batch 2 fell below its success threshold of 100%: ");
        assertThat(suspended.getInt("batches[0].succeeded")).isEqualTo(10);
        assertThat(suspended.getInt("current.plans")).isEqualTo(10);
        assertThat(suspended.getInt("current.released")).isEqualTo(5);
        assertThat(suspended.getInt("current.succeeded")).isEqualTo(3);
        assertThat(suspended.getInt("current.failed")).isEqualTo(2);
        assertThat(suspended.getInt("current.threshold")).isEqualTo(100);
        assertThat(suspended.getInt("batches[0].threshold")).isEqualTo(90);
        assertThat(suspended.getList("current.failures.planId", String.class))
                .containsExactlyInAnyOrderElementsOf(failing);
        assertThat(suspended.getList("current.failures.reason", String.class))
                .allSatisfy(reason -> assertThat(reason).startsWith("dry-run rehearsal: rehearsed failure"));

        JsonPath resumed = given().post("/api/v1/rollouts/" + id + "/resume")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(resumed.getString("state")).isEqualTo("ACTIVE");
        assertThat(resumed.getString("resumedBy")).isEqualTo("auth-disabled");
        given().post("/api/v1/rollouts/" + id + "/resume")
                .then()
                .statusCode(200)
                .body("resumedAt", org.hamcrest.Matchers.equalTo(resumed.getString("resumedAt")));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            answer(failing);
            assertThat(rollout(id).getString("state")).isEqualTo("COMPLETED");
        });
        assertThat(released()).hasSize(30);
        assertThat(released().stream().map(ConsumerRecord::key).distinct()).hasSize(30);
        JsonPath done = rollout(id);
        assertThat(done.getInt("currentBatch")).isEqualTo(3);
        assertThat(done.getInt("batches[2].succeeded")).isEqualTo(10);
        assertThat(maxRunningSeen).isLessThanOrEqualTo(5);
        given().post("/api/v1/rollouts/" + id + "/abort").then().statusCode(409);
    }

    @Test
    void abortLeavesTheRestUnreleased() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String site = "abort-" + run;
        prefix = site;
        List<String> clusters = fleet(site, 12);
        String id = given().contentType(ContentType.JSON)
                .body("""
                {"selector": {"site": "%s", "route": "ARC_K8S"}, "batches": [{"count": 4}], "soakSeconds": 3600}
                """.formatted(site))
                .post("/api/v1/rollouts")
                .then()
                .statusCode(201)
                .extract()
                .jsonPath()
                .getString("rolloutId");
        approveSite(site, 12);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            answer(Set.of());
            assertThat(rollout(id).getString("state")).isEqualTo("SOAKING");
        });
        JsonPath aborted = given().post("/api/v1/rollouts/" + id + "/abort")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(aborted.getString("state")).isEqualTo("ABORTED");
        assertThat(aborted.getString("abortedBy")).isEqualTo("auth-disabled");
        given().post("/api/v1/rollouts/" + id + "/abort")
                .then()
                .statusCode(200)
                .body("abortedAt", org.hamcrest.Matchers.equalTo(aborted.getString("abortedAt")));
        given().post("/api/v1/rollouts/" + id + "/resume").then().statusCode(409);
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(released(clusters)).hasSize(4));
        assertThat(given().queryParam("state", "AWAITING_ROLLOUT")
                        .queryParam("site", site)
                        .get("/api/v1/plans")
                        .jsonPath()
                        .getInt("count"))
                .isEqualTo(8);
        assertThat(given().get("/api/v1/rollouts").jsonPath().getList("rollouts.rolloutId", String.class))
                .contains(id);

        // the rollout's state went out on onboarding.rollouts as it changed, keyed by its id, the last one ABORTED
        try (ConsumerTask<String, String> states = kafka.consumeStrings().fromTopics(Topics.ROLLOUTS)) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                List<ConsumerRecord<String, String>> ours = states.getRecords().stream()
                        .filter(r -> id.equals(r.key()))
                        .toList();
                assertThat(ours).hasSizeGreaterThanOrEqualTo(3);
                assertThat(new String(
                                ours.get(0)
                                        .headers()
                                        .lastHeader(EventTypes.CE_TYPE)
                                        .value(),
                                StandardCharsets.UTF_8))
                        .isEqualTo(EventTypes.ROLLOUT_STATE);
                RolloutState last = JSON.readValue(ours.get(ours.size() - 1).value(), RolloutState.class);
                assertThat(last.state()).isEqualTo("ABORTED");
                assertThat(last.currentBatch()).isEqualTo(1);
                assertThat(last.batches()).singleElement().satisfies(b -> {
                    assertThat(b.plans()).isEqualTo(4);
                    assertThat(b.released()).isEqualTo(4);
                    assertThat(b.succeeded()).isEqualTo(4);
                });
                assertThat(JSON.readValue(ours.get(0).value(), RolloutState.class)
                                .state())
                        .isEqualTo("ACTIVE");
            });
        }
        // each plan held for it was reported AWAITING_ROLLOUT once, for the inventory to show on its nodes
        try (ConsumerTask<String, String> status = kafka.consumeStrings().fromTopics(Topics.STATUS)) {
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(status.getRecords().stream()
                                    .map(r -> read(r.value()))
                                    .filter(e -> e.type() == StatusType.AWAITING_ROLLOUT)
                                    .map(StatusEvent::planId)
                                    .filter(p -> clusters.stream()
                                            .map(RolloutFlowTest::planId)
                                            .anyMatch(p::equals))
                                    .toList())
                            .hasSize(12)
                            .doesNotHaveDuplicates());
        }
    }

    private static StatusEvent read(String json) {
        try {
            return JSON.readValue(json, StatusEvent.class);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void badRolloutsNameEveryBadField() {
        assertThat(given().contentType(ContentType.JSON)
                        .body("""
                {"selector": {"site": "a b", "planet": "x"}, "batches": [{"count": 0}, {"count": 1, "percent": 5}, 3],
                 "successThreshold": 101, "soakSeconds": -1, "progressDeadlineSeconds": 0, "maxConcurrent": "many",
                 "colour": "blue"}
                """)
                        .post("/api/v1/rollouts")
                        .then()
                        .statusCode(400)
                        .extract()
                        .jsonPath()
                        .getList("errors.field", String.class))
                .containsExactlyInAnyOrder(
                        "selector.site",
                        "selector.planet",
                        "batches[0].count",
                        "batches[1]",
                        "batches[2]",
                        "successThreshold",
                        "soakSeconds",
                        "progressDeadlineSeconds",
                        "maxConcurrent",
                        "colour");
        assertThat(given().contentType(ContentType.JSON)
                        .body("{}")
                        .post("/api/v1/rollouts")
                        .then()
                        .statusCode(400)
                        .extract()
                        .jsonPath()
                        .getList("errors.field", String.class))
                .containsExactly("selector");
        given().get("/api/v1/rollouts/nope").then().statusCode(400);
        given().get("/api/v1/rollouts/ro-" + UUID.randomUUID()).then().statusCode(404);
        given().post("/api/v1/rollouts/ro-" + UUID.randomUUID() + "/resume")
                .then()
                .statusCode(404);
    }

    int maxRunningSeen;

    /** Plays the executor for every plan released and not answered yet; notes how many ran at once. */
    private void answer(Set<String> failing) {
        answer(failing, Set.of());
    }

    /** As {@link #answer(Set)}, leaving the plans {@code heldBack} running. */
    private void answer(Set<String> failing, Set<String> heldBack) {
        List<ConsumerRecord<String, String>> released = released();
        Set<String> seen = new HashSet<>();
        List<String> toAnswer = new ArrayList<>();
        for (ConsumerRecord<String, String> r : released) {
            String planId = planId(r.key());
            if (seen.add(planId) && !answered.contains(planId)) {
                toAnswer.add(r.key());
            }
        }
        maxRunningSeen = Math.max(maxRunningSeen, toAnswer.size());
        toAnswer.removeIf(cluster -> heldBack.contains(planId(cluster)));
        for (String cluster : toAnswer) {
            String planId = planId(cluster);
            boolean fails = failing.contains(planId);
            StatusEvent event = arcOutcome(
                    planId,
                    cluster,
                    fails ? StatusType.FAILED : StatusType.SUCCEEDED,
                    5,
                    fails ? REHEARSAL.formatted(cluster) : "connected",
                    null);
            try {
                kafka.produceStrings()
                        .fromRecords(StatusRecords.of(event, JSON.writeValueAsString(event)))
                        .awaitCompletion();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            answered.add(planId);
        }
    }

    private List<String> fleet(String site, int size) {
        List<String> clusters = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            String c = site + "-c" + i;
            clusters.add(c);
            send(ApprovalFlowTest.talos(c + "/cp-1", c, site, List.of(), "h" + i));
        }
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(given().queryParam("state", "AWAITING_APPROVAL")
                                .queryParam("site", site)
                                .get("/api/v1/plans")
                                .jsonPath()
                                .getInt("count"))
                        .isEqualTo(size));
        return clusters;
    }

    private void approveSite(String site, int size) {
        given().contentType(ContentType.JSON)
                .body("{\"site\": \"" + site + "\"}")
                .post("/api/v1/plans/approve")
                .then()
                .statusCode(200)
                .body("approved", org.hamcrest.Matchers.equalTo(size));
    }

    private static String planId(String cluster) {
        return PlanIds.planId(Route.ARC_K8S, new Target(TargetKind.CLUSTER, cluster));
    }

    private JsonPath rollout(String id) {
        return given().get("/api/v1/rollouts/" + id)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    private List<ConsumerRecord<String, String>> released() {
        return plans.getRecords().stream().filter(r -> answeredOrOurs(r.key())).toList();
    }

    private List<ConsumerRecord<String, String>> released(List<String> clusters) {
        return plans.getRecords().stream()
                .filter(r -> clusters.contains(r.key()))
                .toList();
    }

    /** The site of the running test: its clusters' ids start with it. */
    String prefix = "none";

    private boolean answeredOrOurs(String key) {
        return key.startsWith(prefix + "-");
    }
}
