package dev.arcfleet.executor.azure;

import static dev.arcfleet.executor.azure.ArmBudget.Kind.DELETE;
import static dev.arcfleet.executor.azure.ArmBudget.Kind.READ;
import static dev.arcfleet.executor.azure.ArmBudget.Kind.WRITE;
import static org.assertj.core.api.Assertions.assertThat;

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

/**
 * Reads under a spent budget: steps that read twice per attempt, as a step polling an operation and then reading its
 * resource does, all tried again after each {@link BudgetedArmClient.Wait}, as the execution workers do.
 */
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
        // two reads each, and at most one more for a first read whose attempt was then told to wait at its second
        assertThat(arm.reads.get()).isBetween(2 * STEPS, 3 * STEPS);
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

    /** ARM that answers every read and counts them. */
    private static final class CountingArm implements ArmClient {
        final AtomicInteger reads = new AtomicInteger();

        @Override
        public Optional<ArmResource> get(String resourceId, String apiVersion) {
            reads.incrementAndGet();
            return Optional.empty();
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
