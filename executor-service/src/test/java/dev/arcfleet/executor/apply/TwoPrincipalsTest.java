package dev.arcfleet.executor.apply;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arcfleet.contracts.AzureTarget;
import dev.arcfleet.contracts.OnboardingPlan;
import dev.arcfleet.contracts.Route;
import dev.arcfleet.contracts.Target;
import dev.arcfleet.contracts.TargetKind;
import dev.arcfleet.executor.apply.StepReplay.Job;
import dev.arcfleet.executor.azure.ArmAccounts;
import dev.arcfleet.executor.azure.ArmBudget;
import dev.arcfleet.executor.azure.AzureClients;
import dev.arcfleet.executor.azure.BudgetDatabase;
import dev.arcfleet.executor.config.ExecutorConfig;
import dev.arcfleet.executor.engine.StepOutcome;
import dev.arcfleet.executor.route.ArmRequest;
import dev.arcfleet.executor.route.StepSpec;
import dev.arcfleet.testsupport.arm.ArmEmulator;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Several credentials on one subscription spread the writes: ARM throttles each principal on its own bucket, and the
 * executor keeps one budget per principal ({@link ArmAccounts}), so the plans of a target with two credentials finish
 * in about half the time of the same plans with one.
 */
@Execution(ExecutionMode.CONCURRENT)
class TwoPrincipalsTest {
    private static final String SUBSCRIPTION = "3d2c1b0a-0000-4000-8000-0000000002a2";
    private static final int PLANS = 40;

    private ArmEmulator arm;
    private Vertx vertx;
    private AgroalDataSource pool;
    private ArmAccounts accounts;
    private final ObjectMapper mapper = new ObjectMapper().findAndRegisterModules();

    @BeforeEach
    void start() throws Exception {
        arm = new ArmEmulator(10, 5, Duration.ofMillis(50)).start();
        arm.operationRetryAfter(Duration.ZERO); // operations end in 50 ms: polled at the poll interval
        vertx = Vertx.vertx();
        Map<String, String> settings = new HashMap<>();
        settings.put("executor.mode", "live");
        settings.put("executor.azure.endpoint", arm.endpoint());
        settings.put("executor.azure.subscription-id", "00000000-0000-0000-0000-000000000000");
        settings.put("executor.azure.call-timeout", "5s");
        // the executor's budget per principal keeps 5 of ARM's 10 as headroom, as SharedBudgetReplicasTest does
        settings.put("executor.azure.write-burst", "5");
        settings.put("executor.azure.writes-per-second", "5");
        for (String name : List.of("pa", "pb", "solo")) {
            String token = "token-" + name + "-" + UUID.randomUUID();
            arm.principal(token, "app-" + name);
            arm.grant("app-" + name, SUBSCRIPTION);
            settings.put(
                    "executor.azure.credentials." + name + ".token-file",
                    Files.writeString(Files.createTempFile("arm-token", ""), token)
                            .toString());
            settings.put("executor.azure.credentials." + name + ".client-id", "app-" + name);
        }
        ExecutorConfig config = TestConfigs.executor(settings);
        pool = BudgetDatabase.pool(BudgetDatabase.migrated("executor_two_principals"), 4);
        ExecutorConfig.Azure azure = config.azure();
        ArmBudget budget = ArmBudget.of(pool, azure);
        accounts = new ArmAccounts(new AzureClients(config, vertx, mapper, new SimpleMeterRegistry()), budget, config);
        applier = new LiveApplier(accounts::forPlan, null, mapper, config, route -> {
            throw new IllegalStateException("no placeholders in these plans");
        });
    }

    private LiveApplier applier;

    @AfterEach
    void stop() {
        if (pool != null) {
            pool.close();
        }
        arm.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    /** {@link #PLANS} plans to the target with these credentials, as many for each (plan ids chosen so). */
    private static List<Job> jobs(String run, List<String> credentials) {
        AzureTarget target = new AzureTarget("shared", SUBSCRIPTION, "unused", "westeurope", credentials);
        Map<String, Integer> perCredential = new HashMap<>();
        List<Job> jobs = new ArrayList<>();
        while (jobs.size() < PLANS) {
            String planId = UUID.randomUUID().toString();
            if (perCredential.merge(ArmAccounts.credentialFor(planId, credentials), 1, Integer::sum)
                    > PLANS / credentials.size()) {
                continue;
            }
            String group = run + "-" + jobs.size();
            OnboardingPlan plan = new OnboardingPlan(
                            UUID.randomUUID().toString(),
                            "corr-" + group,
                            Instant.now(),
                            planId,
                            "r1",
                            Route.ARC_K8S,
                            new Target(TargetKind.CLUSTER, group),
                            List.of(),
                            List.of(),
                            List.of(),
                            null,
                            "2026-12-01.1",
                            Map.of())
                    .withAzureTarget(target);
            StepSpec step = StepSpec.arm(
                    "resource-group", ArmRequest.put(groupId(group), "2024-11-01", Map.of("location", "westeurope")));
            jobs.add(Job.first(plan, step));
        }
        return jobs;
    }

    private static String groupId(String group) {
        return "/subscriptions/" + SUBSCRIPTION + "/resourceGroups/" + group;
    }

    /** Runs the jobs on four workers until each has finished, none failed; returns how long that took. */
    private Duration run(List<Job> jobs, Duration within) throws InterruptedException {
        long began = System.nanoTime();
        Map<String, List<StepOutcome>> outcomes =
                StepReplay.run(jobs, List.of(applier, applier, applier, applier), within);
        Duration took = Duration.ofNanos(System.nanoTime() - began);
        assertThat(outcomes.values())
                .as("plans failed")
                .noneMatch(o -> o.get(o.size() - 1).kind() == StepOutcome.Kind.FAILED);
        return took;
    }

    private int maxPerSecond(String principal) {
        return arm.passedPerSecond(ArmEmulator.Kind.WRITE, principal).values().stream()
                .mapToInt(Integer::intValue)
                .max()
                .orElse(0);
    }

    @Test
    void twoPrincipalsOnOneSubscriptionFinishAboutTwiceAsFastAsOne() throws Exception {
        Duration one = run(jobs("solo", List.of("solo")), Duration.ofSeconds(60));
        Duration two = run(jobs("pair", List.of("pa", "pb")), Duration.ofSeconds(60));

        assertThat(arm.throttled()).as("429s").isZero();
        assertThat(maxPerSecond("app-solo")).isPositive();
        assertThat(maxPerSecond("app-pa")).isPositive();
        assertThat(maxPerSecond("app-pb")).isPositive();
        for (String principal : List.of("app-pa", "app-pb")) {
            assertThat(arm.passedPerSecond(ArmEmulator.Kind.WRITE, principal).values().stream()
                            .mapToInt(Integer::intValue)
                            .sum())
                    .as("each principal wrote half of the plans")
                    .isEqualTo(PLANS / 2);
        }
        assertThat(arm.passedPerSecond(ArmEmulator.Kind.WRITE, "app-solo").values().stream()
                        .mapToInt(Integer::intValue)
                        .sum())
                .isEqualTo(PLANS);
        assertThat(arm.resourceIds("(?i)/subscriptions/" + SUBSCRIPTION + "/resourceGroups/(solo|pair)-"))
                .hasSize(2 * PLANS);
        assertThat(two.toMillis())
                .as("two principals %s ms, one %s ms", two.toMillis(), one.toMillis())
                .isLessThan((long) (one.toMillis() * 0.75));
    }

    @Test
    void aTargetNamingACredentialThisExecutorLacksFailsThePlanWithTheReason() {
        Job job = jobs("unknown", List.of("nope")).get(0);
        StepOutcome outcome = applier.apply(new StepContext(job.plan(), job.step(), 1, Instant.now()));
        assertThat(outcome.kind()).isEqualTo(StepOutcome.Kind.FAILED);
        assertThat(outcome.detail())
                .isEqualTo("Azure target 'shared': credential 'nope' is not configured in this executor"
                        + " (executor.azure.credentials.nope.*)");
        assertThat(arm.requests()).as("nothing was sent").isEmpty();
    }

    @Test
    void aCredentialWithoutARoleOnTheSubscriptionFailsThePlanAsArmRefusesIt() {
        arm.grant("app-pa", "00000000-0000-0000-0000-0000000000ff");
        String elsewhere = "7e6d5c4b-0000-4000-8000-0000000002a3";
        arm.grant("app-solo", elsewhere); // the subscription has role assignments, none for app-pa
        OnboardingPlan plan = jobs("forbidden", List.of("pa")).get(0).plan();
        OnboardingPlan misplaced =
                plan.withAzureTarget(new AzureTarget("x", elsewhere, "g", "westeurope", List.of("pa")));
        StepSpec step = StepSpec.arm(
                "resource-group",
                ArmRequest.put(
                        "/subscriptions/" + elsewhere + "/resourceGroups/g",
                        "2024-11-01",
                        Map.of("location", "westeurope")));
        StepOutcome outcome = applier.apply(new StepContext(misplaced, step, 1, Instant.now()));
        assertThat(outcome.kind()).isEqualTo(StepOutcome.Kind.FAILED);
        assertThat(outcome.detail()).contains("AuthorizationFailed");
        assertThat(arm.forbidden()).isEqualTo(1);
    }
}
