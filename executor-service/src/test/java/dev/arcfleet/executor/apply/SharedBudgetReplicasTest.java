package dev.arcfleet.executor.apply;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arcfleet.contracts.OnboardingPlan;
import dev.arcfleet.contracts.Route;
import dev.arcfleet.contracts.Target;
import dev.arcfleet.contracts.TargetKind;
import dev.arcfleet.executor.apply.StepReplay.Job;
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
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Three executor replicas against one PostgreSQL and the ARM emulator: each replica its own connection pool, ARM budget,
 * ARM client ({@link AzureClients}) and {@link LiveApplier}, two workers each that never block on the budget (a step
 * that must wait is put back for its wait, as {@code ExecutionWorkers} does), all with the same principal.
 */
@Execution(ExecutionMode.CONCURRENT)
class SharedBudgetReplicasTest {
    private static final String SUBSCRIPTION = "5b0c1e9a-0000-4000-8000-00000000b0d9";
    private static final String TOKEN = "replica-token-" + UUID.randomUUID();
    private static final String PRINCIPAL = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";

    private ArmEmulator arm;
    private Vertx vertx;
    private final List<AgroalDataSource> pools = new ArrayList<>();
    private final List<Replica> replicas = new ArrayList<>();
    private final ObjectMapper mapper = new ObjectMapper().findAndRegisterModules();

    private record Replica(LiveApplier applier, ArmBudget.Account budget) {}

    @BeforeEach
    void start() throws Exception {
        arm = new ArmEmulator(200, 10, Duration.ofMillis(100)).start();
        arm.operationRetryAfter(Duration.ZERO); // operations end in 100 ms: polled at the poll interval
        arm.principal(TOKEN, PRINCIPAL);
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() {
        pools.forEach(AgroalDataSource::close);
        arm.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    /** Three replicas whose write budget is {@code burst} and {@code perSecond} (reads and deletes: ARM's). */
    private void replicas(String database, int burst, double perSecond) throws Exception {
        String url = BudgetDatabase.migrated(database);
        Path tokenFile = Files.writeString(Files.createTempFile("arm-token", ""), TOKEN);
        Map<String, String> settings = TestConfigs.live(arm.endpoint(), SUBSCRIPTION, tokenFile);
        settings.put("executor.azure.client-id", PRINCIPAL);
        settings.put("executor.azure.write-burst", Integer.toString(burst));
        settings.put("executor.azure.writes-per-second", Double.toString(perSecond));
        ExecutorConfig config = TestConfigs.executor(settings);
        for (int i = 0; i < 3; i++) {
            AgroalDataSource pool = BudgetDatabase.pool(url, 2);
            pools.add(pool);
            ExecutorConfig.Azure azure = config.azure();
            ArmBudget budget = ArmBudget.of(pool, azure);
            AzureClients clients = new AzureClients(config, vertx, mapper, new SimpleMeterRegistry());
            ArmBudget.Account account = budget.account(azure.subscriptionId(), clients.principal());
            replicas.add(new Replica(
                    new LiveApplier(clients.armClient(), account, null, mapper, config, route -> {
                        throw new IllegalStateException("no placeholders in these plans");
                    }),
                    account));
        }
    }

    private static Job job(String group) {
        OnboardingPlan plan = new OnboardingPlan(
                UUID.randomUUID().toString(),
                "corr-" + group,
                Instant.now(),
                UUID.randomUUID().toString(),
                "r1",
                Route.ARC_K8S,
                new Target(TargetKind.CLUSTER, group),
                List.of(),
                List.of(),
                List.of(),
                null,
                "2026-11-25.1",
                Map.of());
        StepSpec step = StepSpec.arm(
                "resource-group", ArmRequest.put(groupId(group), "2024-11-01", Map.of("location", "westeurope")));
        return Job.first(plan, step);
    }

    private static String groupId(String group) {
        return "/subscriptions/" + SUBSCRIPTION + "/resourceGroups/" + group;
    }

    /** Runs the jobs on two workers of every replica until each has finished; returns each plan's outcomes in order. */
    private Map<String, List<StepOutcome>> run(List<Job> jobs, Duration within) throws InterruptedException {
        List<StepApplier> workers = new ArrayList<>();
        for (Replica replica : replicas) {
            workers.add(replica.applier());
            workers.add(replica.applier());
        }
        return StepReplay.run(jobs, workers, within);
    }

    @Test
    void threeReplicasStayInsideTheOneBucketAndFinishEveryPlanOnce() throws Exception {
        // ARM's bucket for the principal: 10 and 5/s; the replicas' shared budget keeps 5 of them as headroom for the
        // time between a reservation and ARM counting the write
        arm.writeBudget(10, 5);
        replicas("executor_replicas", 5, 5);
        List<Job> jobs = new ArrayList<>();
        for (int i = 0; i < 45; i++) {
            jobs.add(job("replica-rg-" + i));
        }
        Map<String, List<StepOutcome>> outcomes = run(jobs, Duration.ofSeconds(60));

        assertThat(outcomes.values())
                .allSatisfy(o ->
                        assertThat(o.get(o.size() - 1).kind()).as(o.toString()).isEqualTo(StepOutcome.Kind.SUCCEEDED));
        assertThat(outcomes.values().stream()
                        .mapToLong(o -> o.stream()
                                .filter(x -> x.kind() == StepOutcome.Kind.SUCCEEDED)
                                .count()))
                .containsOnly(1L);
        for (int i = 0; i < 45; i++) {
            assertThat(arm.creations(groupId("replica-rg-" + i))).isEqualTo(1);
        }
        assertThat(arm.throttled()).as("429s").isZero();
        assertThat(arm.passedPerSecond(ArmEmulator.Kind.WRITE).values())
                .as("writes per wall-clock second")
                .allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(10 + 5));
        assertThat(arm.passedPerSecond(ArmEmulator.Kind.WRITE).values().stream()
                        .mapToInt(Integer::intValue)
                        .sum())
                .isEqualTo(45);
        assertThat(outcomes.values().stream().flatMap(List::stream))
                .as("the budget made writers wait")
                .anyMatch(o -> o.detail().contains("write slot reserved"));
    }

    @Test
    void a429WithAnHttpDateRetryAfterHoldsEveryReplica() throws Exception {
        replicas("executor_replicas_hold", 200, 10);
        arm.retryAfterAsHttpDate(true);
        arm.throttleFor(ArmEmulator.Kind.WRITE, Duration.ofSeconds(3));
        // replica 0 meets the 429; the other two, asking afterwards, are held until its Retry-After
        Job a = job("hold-a");
        StepOutcome throttled = replicas.get(0).applier().apply(new StepContext(a.plan(), a.step(), 1, Instant.now()));
        Instant retryAt = Instant.now().plus(throttled.retryAfter());
        assertThat(throttled.kind()).isEqualTo(StepOutcome.Kind.THROTTLED);
        assertThat(throttled.retryAfter()).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(4));
        assertThat(replicas.get(1).budget().reserve(ArmBudget.Kind.WRITE)).isGreaterThan(Duration.ofMillis(1500));
        Job b = job("hold-b");
        StepOutcome held = replicas.get(2).applier().apply(new StepContext(b.plan(), b.step(), 1, Instant.now()));
        assertThat(held.kind()).isEqualTo(StepOutcome.Kind.WAITING);
        assertThat(Instant.now().plus(held.retryAfter())).isAfterOrEqualTo(retryAt.minusMillis(200));
        assertThat(replicas.get(2).budget().tryTake(ArmBudget.Kind.READ))
                .as("reads are not held")
                .isZero();

        Map<String, List<StepOutcome>> outcomes = run(
                List.of(
                        new Job(
                                a.plan(),
                                a.step(),
                                null,
                                2,
                                System.nanoTime() + throttled.retryAfter().toNanos()),
                        new Job(
                                b.plan(),
                                b.step(),
                                held.operation(),
                                2,
                                System.nanoTime() + held.retryAfter().toNanos())),
                Duration.ofSeconds(20));
        assertThat(outcomes.values())
                .allSatisfy(o -> assertThat(o.get(o.size() - 1).kind()).isEqualTo(StepOutcome.Kind.SUCCEEDED));
        assertThat(arm.throttled(ArmEmulator.Kind.WRITE))
                .as("only the first write met the 429")
                .isEqualTo(1);
        assertThat(arm.creations(groupId("hold-a"))).isEqualTo(1);
        assertThat(arm.creations(groupId("hold-b"))).isEqualTo(1);
    }

    @Test
    void readsNeverDrainTheWriteBudget() throws Exception {
        replicas("executor_replicas_reads", 3, 0.01);
        // replica 0 reads far more often than the write bucket holds: 40 groups adopted, one GET each (one group
        // adopted 40 times would be read once, then found provisioned moments ago)
        for (int i = 0; i < 40; i++) {
            arm.seed(groupId("polled-" + i), Map.of("location", "westeurope"));
            Job poll = new Job(
                    job("polled-" + i).plan(),
                    StepSpec.arm(
                            "adopt",
                            ArmRequest.put(groupId("polled-" + i), "2024-11-01", Map.of("location", "westeurope"))),
                    null,
                    1,
                    System.nanoTime());
            StepOutcome present =
                    replicas.get(0).applier().apply(new StepContext(poll.plan(), poll.step(), 1, Instant.now()));
            assertThat(present.kind()).isEqualTo(StepOutcome.Kind.SUCCEEDED);
        }
        assertThat(arm.passedPerSecond(ArmEmulator.Kind.READ).values().stream()
                        .mapToInt(Integer::intValue)
                        .sum())
                .isEqualTo(40);
        // the three writes of the bucket are all still there, for the other replicas
        for (int i = 0; i < 3; i++) {
            Job write = job("after-reads-" + i);
            assertThat(replicas.get(1 + i % 2)
                            .applier()
                            .apply(new StepContext(write.plan(), write.step(), 1, Instant.now()))
                            .kind())
                    .isEqualTo(StepOutcome.Kind.SUCCEEDED);
        }
        for (int i = 0; i < 40; i++) {
            assertThat(arm.puts(groupId("polled-" + i))).isZero();
        }
        assertThat(arm.throttled()).isZero();
    }
}
