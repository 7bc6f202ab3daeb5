package dev.arcfleet.executor.azure;

import static dev.arcfleet.executor.azure.ArmBudget.Kind.DELETE;
import static dev.arcfleet.executor.azure.ArmBudget.Kind.READ;
import static dev.arcfleet.executor.azure.ArmBudget.Kind.WRITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agroal.api.AgroalDataSource;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Reads under a spent budget: steps that read twice per attempt, as a step polling an operation and then reading its
 * resource does, all tried again after each {@link BudgetedArmClient.Wait}, as the execution workers do.
 */
@Execution(ExecutionMode.CONCURRENT)
class BudgetedArmClientTest {
    private static AgroalDataSource pool;

    /** One read at a time, 20 a second: a bucket a thousand steps keep empty, scaled down. */
    private static final Map<ArmBudget.Kind, ArmBudget.Limit> BUSY = Map.of(
            READ,
            new ArmBudget.Limit(1, 20),
            WRITE,
            new ArmBudget.Limit(200, 10),
            DELETE,
            new ArmBudget.Limit(200, 10));

    private static final int STEPS = 10;

    /** One read at a time, 2 a second: slow enough that no token comes back between two reads by chance. */
    private static final Map<ArmBudget.Kind, ArmBudget.Limit> SLOW = Map.of(
            READ, new ArmBudget.Limit(1, 2), WRITE, new ArmBudget.Limit(200, 10), DELETE, new ArmBudget.Limit(200, 10));

    @BeforeAll
    static void database() {
        pool = BudgetDatabase.pool(BudgetDatabase.migrated("executor_budget_reads"), 2);
    }

    @AfterAll
    static void close() {
        pool.close();
    }

    @Test
    void stepsThatReadTwicePerAttemptAllGetThroughAnEmptyBucketSpendingFewReads() throws Exception {
        CountingArm arm = new CountingArm();
        BudgetedArmClient client = new BudgetedArmClient(
                arm, new ArmBudget(pool, BUSY, 15).account(UUID.randomUUID().toString(), "app"));

        int done = runUntilDone(step -> client.forAttempt("plan-" + step + "/1/arm-step"), Duration.ofSeconds(5));

        assertThat(done).isEqualTo(STEPS);
        // two reads each, none twice: an attempt told to wait at its second read leaves its first answer to the next
        assertThat(arm.reads.get()).isEqualTo(2 * STEPS);
    }

    @Test
    void refusedOutrightTheSameStepsSpendTheBudgetAndGetNowhere() throws Exception {
        CountingArm arm = new CountingArm();
        BudgetedArmClient client = new BudgetedArmClient(
                arm, new ArmBudget(pool, BUSY, 15).account(UUID.randomUUID().toString(), "app"));

        // a client for no attempt: what every step did before its reads were queued
        int done = runUntilDone(step -> client, Duration.ofSeconds(5));

        // a step gets through only when the bucket refills between its two reads (a pause of 50 ms on this machine)
        assertThat(done).isLessThan(STEPS);
        assertThat(arm.reads.get()).as("reads spent on first reads thrown away").isGreaterThan(3 * STEPS);
    }

    @Test
    void aReadQueuedBeforeA429IsNotSentWhileArmStillRefuses() throws Exception {
        CountingArm arm = new CountingArm();
        BudgetedArmClient client = new BudgetedArmClient(
                arm, new ArmBudget(pool, SLOW, 15).account(UUID.randomUUID().toString(), "app"));
        BudgetedArmClient queued = client.forAttempt("plan-q/1/arm-step");
        queued.get("/subscriptions/s/resourceGroups/g/providers/p/r/q", "2024-01-01"); // the bucket's one token
        Duration due;
        try {
            queued.operation("https://management.azure.com/operations/q");
            throw new AssertionError("the bucket of one token was spent, yet a second read was let through");
        } catch (BudgetedArmClient.Wait wait) {
            due = wait.after(); // a token queued for the step's next attempt, due in about 0.5 s
        }
        assertThat(due).isBetween(Duration.ofMillis(200), Duration.ofMillis(1100));

        // once they are due and the bucket holds the next token, another step's read, let through by the budget, is
        // refused by ARM for 5 s
        long refilled = System.nanoTime() + due.plusMillis(600).toNanos();
        await().atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> System.nanoTime() - refilled >= 0);
        arm.throttleNext(Duration.ofSeconds(5));
        try {
            client.forAttempt("plan-o/1/arm-step")
                    .get("/subscriptions/s/resourceGroups/g/providers/p/r/o", "2024-01-01");
            throw new AssertionError("ARM's 429 was not passed on");
        } catch (BudgetedArmClient.Wait wait) {
            throw new AssertionError("the budget kept back the token the test counted on", wait);
        } catch (ArmException e) {
            assertThat(e.throttled()).isTrue();
        }
        int sent = arm.reads.get();

        // the queued step comes back: its token is due, but ARM refuses until the hold ends, so nothing is sent (its
        // first read is answered as the attempt before read it)
        BudgetedArmClient back = client.forAttempt("plan-q/1/arm-step");
        back.get("/subscriptions/s/resourceGroups/g/providers/p/r/q", "2024-01-01");
        try {
            back.operation("https://management.azure.com/operations/q");
            throw new AssertionError("a read queued before the 429 was sent while ARM still refused");
        } catch (BudgetedArmClient.Wait wait) {
            assertThat(wait.after()).isGreaterThan(Duration.ofSeconds(4));
        }
        assertThat(arm.reads.get()).isEqualTo(sent);
    }

    @Test
    void aResourceFoundProvisionedIsRecentForItsPrincipalUntilItAgesOrIsSeenOtherwise() {
        CountingArm arm = new CountingArm();
        String subscription = UUID.randomUUID().toString();
        ArmBudget budget = new ArmBudget(
                pool,
                Map.of(
                        READ,
                        new ArmBudget.Limit(250, 25),
                        WRITE,
                        new ArmBudget.Limit(200, 10),
                        DELETE,
                        new ArmBudget.Limit(200, 10)),
                15);
        BudgetedArmClient client = new BudgetedArmClient(arm, budget.account(subscription, "app"));
        String id = "/subscriptions/" + subscription + "/resourceGroups/shared";
        Duration young = Duration.ofSeconds(30);
        assertThat(client.recentlyProvisioned(id, "2021-04-01", young))
                .as("never read")
                .isEmpty();

        arm.answer(new ArmResource(id, Map.of("provisioningState", "Succeeded")));
        client.get(id, "2021-04-01");
        assertThat(client.recentlyProvisioned(id, "2021-04-01", young)).isPresent();
        assertThat(client.recentlyProvisioned(id, "2022-01-01", young))
                .as("another api-version")
                .isEmpty();
        assertThat(new BudgetedArmClient(arm, budget.account(subscription, "other-app"))
                        .recentlyProvisioned(id, "2021-04-01", young))
                .as("another principal")
                .isEmpty();
        assertThat(arm.reads.get()).as("answered without a read").isEqualTo(1);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> client.recentlyProvisioned(id, "2021-04-01", Duration.ofMillis(50))
                        .isEmpty());

        // a later GET that finds it provisioning (or gone) forgets it
        arm.answer(new ArmResource(id, Map.of("provisioningState", "Updating")));
        client.get(id, "2021-04-01");
        assertThat(client.recentlyProvisioned(id, "2021-04-01", young)).isEmpty();
    }

    /** Runs every step's attempts (two reads each) until all got through or {@code limit} passed; returns how many did. */
    private static int runUntilDone(Function<Integer, BudgetedArmClient> attempt, Duration limit)
            throws InterruptedException {
        Map<Integer, Long> nextAttempt = new HashMap<>();
        for (int step = 0; step < STEPS; step++) {
            nextAttempt.put(step, 0L);
        }
        int done = 0;
        long until = System.nanoTime() + limit.toNanos();
        while (!nextAttempt.isEmpty() && System.nanoTime() < until) {
            for (Integer step : List.copyOf(nextAttempt.keySet())) {
                if (nextAttempt.get(step) > System.nanoTime()) {
                    continue;
                }
                BudgetedArmClient client = attempt.apply(step);
                try {
                    client.operation("https://management.azure.com/operations/" + step);
                    client.get("/subscriptions/s/resourceGroups/g/providers/p/r/" + step, "2024-01-01");
                    nextAttempt.remove(step);
                    done++;
                } catch (BudgetedArmClient.Wait wait) {
                    nextAttempt.put(step, System.nanoTime() + wait.after().toNanos());
                }
            }
            Thread.sleep(2);
        }
        return done;
    }

    /** ARM that answers every read and counts them (a GET answered 429 when told). */
    private static final class CountingArm implements ArmClient {
        final AtomicInteger reads = new AtomicInteger();
        private volatile Duration throttle;

        /** The next read is answered 429 with this Retry-After. */
        void throttleNext(Duration retryAfter) {
            throttle = retryAfter;
        }

        private volatile ArmResource answer;

        /** What every GET answers from now on (absent until this is called). */
        void answer(ArmResource resource) {
            answer = resource;
        }

        @Override
        public Optional<ArmResource> get(String resourceId, String apiVersion) {
            reads.incrementAndGet();
            Duration retryAfter = throttle;
            if (retryAfter != null) {
                throttle = null;
                throw new ArmException(429, "TooManyRequests", "throttled", retryAfter, null);
            }
            return Optional.ofNullable(answer);
        }

        @Override
        public ArmAccepted put(String resourceId, String apiVersion, Map<String, Object> body) {
            throw new UnsupportedOperationException("reads only");
        }

        @Override
        public ArmAccepted delete(String resourceId, String apiVersion) {
            throw new UnsupportedOperationException("reads only");
        }

        @Override
        public List<ArmResource> list(String collectionId, String apiVersion) {
            reads.incrementAndGet();
            return List.of();
        }

        @Override
        public ArmOperation operation(String url) {
            reads.incrementAndGet();
            return null;
        }
    }
}
