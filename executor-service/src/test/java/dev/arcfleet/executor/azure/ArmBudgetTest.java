package dev.arcfleet.executor.azure;

import static dev.arcfleet.executor.azure.ArmBudget.Kind.DELETE;
import static dev.arcfleet.executor.azure.ArmBudget.Kind.READ;
import static dev.arcfleet.executor.azure.ArmBudget.Kind.WRITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agroal.api.AgroalDataSource;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/** The PostgreSQL token buckets: two budgets on two pools stand for two replicas. */
@Execution(ExecutionMode.CONCURRENT)
class ArmBudgetTest {
    private static AgroalDataSource one;
    private static AgroalDataSource two;
    /** A bucket that barely refills during a test: 200, then one per 100 s. */
    private static final Map<ArmBudget.Kind, ArmBudget.Limit> SLOW = Map.of(
            READ,
            new ArmBudget.Limit(5, 0.01),
            WRITE,
            new ArmBudget.Limit(200, 0.01),
            DELETE,
            new ArmBudget.Limit(3, 0.01));

    @BeforeAll
    static void database() {
        String url = BudgetDatabase.migrated("executor_budget");
        one = BudgetDatabase.pool(url, 2);
        two = BudgetDatabase.pool(url, 2);
    }

    @AfterAll
    static void close() {
        one.close();
        two.close();
    }

    private static String subscription() {
        return UUID.randomUUID().toString();
    }

    @Test
    void grantsTheBurstThenQueuesReservationsOnePerRefillInterval() {
        ArmBudget.Account account = new ArmBudget(one, SLOW, 15).account(subscription(), "app-1");
        for (int i = 0; i < 200; i++) {
            assertThat(account.reserve(WRITE)).as("write %d", i).isZero();
        }
        assertThat(account.reserve(WRITE)).isBetween(Duration.ofSeconds(99), Duration.ofSeconds(100));
        assertThat(account.reserve(WRITE)).isBetween(Duration.ofSeconds(199), Duration.ofSeconds(200));
    }

    @Test
    void replicasShareOneBucket() {
        String subscription = subscription();
        ArmBudget.Account first = new ArmBudget(one, SLOW, 15).account(subscription, "app-1");
        ArmBudget.Account second = new ArmBudget(two, SLOW, 15).account(subscription, "app-1");
        for (int i = 0; i < 100; i++) {
            assertThat(first.reserve(WRITE)).isZero();
            assertThat(second.reserve(WRITE)).isZero();
        }
        assertThat(first.reserve(WRITE)).isPositive();
        assertThat(second.reserve(WRITE)).isGreaterThan(Duration.ofSeconds(150));
    }

    @Test
    void keepsOneBucketPerSubscriptionPrincipalAndKind() {
        String subscription = subscription();
        ArmBudget budget = new ArmBudget(one, SLOW, 15);
        for (int i = 0; i < 3; i++) {
            assertThat(budget.account(subscription, "app-1").reserve(DELETE)).isZero();
        }
        assertThat(budget.account(subscription, "app-1").reserve(DELETE)).isPositive();
        assertThat(budget.account(subscription, "app-1").reserve(WRITE))
                .as("deletes are their own kind")
                .isZero();
        assertThat(budget.account(subscription, "app-2").reserve(DELETE))
                .as("another principal")
                .isZero();
        assertThat(budget.account(subscription(), "app-1").reserve(DELETE))
                .as("another subscription")
                .isZero();
    }

    @Test
    void theSubscriptionCeilingIsSharedByAllPrincipals() {
        String subscription = subscription();
        ArmBudget budget = new ArmBudget(one, SLOW, 2); // 3 deletes per principal, 6 for the subscription
        for (String principal : new String[] {"app-1", "app-2"}) {
            for (int i = 0; i < 3; i++) {
                assertThat(budget.account(subscription, principal).reserve(DELETE))
                        .isZero();
            }
        }
        assertThat(budget.account(subscription, "app-3").reserve(DELETE))
                .as("a fresh principal, the ceiling spent")
                .isPositive();
    }

    @Test
    void readsNeverDrainWritesAndARefusedReadTakesNothing() {
        ArmBudget.Account account = new ArmBudget(one, SLOW, 15).account(subscription(), "app-1");
        for (int i = 0; i < 5; i++) {
            assertThat(account.tryTake(READ)).isZero();
        }
        Duration refused = account.tryTake(READ);
        assertThat(refused).isBetween(Duration.ofSeconds(99), Duration.ofSeconds(100));
        assertThat(account.tryTake(READ)).as("nothing queued by the refusal").isLessThanOrEqualTo(refused);
        assertThat(account.reserve(WRITE)).isZero();
    }

    @Test
    void a429HoldsEveryReplicaUntilItsRetryAfterAndOnlyItsKind() {
        String subscription = subscription();
        ArmBudget.Account first = new ArmBudget(one, BudgetDatabase.armLimits(), 15).account(subscription, "app-1");
        ArmBudget.Account second = new ArmBudget(two, BudgetDatabase.armLimits(), 15).account(subscription, "app-1");
        assertThat(second.reserve(WRITE)).isZero();
        first.hold(WRITE, Duration.ofSeconds(3));
        assertThat(second.reserve(WRITE)).isBetween(Duration.ofMillis(2500), Duration.ofMillis(3200));
        assertThat(second.tryTake(WRITE)).isGreaterThan(Duration.ofMillis(2500));
        assertThat(second.tryTake(READ))
                .as("reads are not held by a write's 429")
                .isZero();
        assertThat(second.reserve(DELETE)).isZero();
        await().atMost(Duration.ofSeconds(6)).until(() -> second.tryTake(WRITE).isZero());
    }

    @Test
    void refillsAtItsRateButNeverBeyondTheBurst() {
        Map<ArmBudget.Kind, ArmBudget.Limit> fast = Map.of(
                READ, new ArmBudget.Limit(2, 1), WRITE, new ArmBudget.Limit(2, 1), DELETE, new ArmBudget.Limit(2, 1));
        ArmBudget.Account account = new ArmBudget(one, fast, 15).account(subscription(), "app-1");
        assertThat(account.tryTake(WRITE)).isZero();
        assertThat(account.tryTake(WRITE)).isZero();
        assertThat(account.tryTake(WRITE)).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(1));
        // three seconds of refill at 1/s are 3 tokens, but the bucket holds 2
        await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> true);
        assertThat(account.tryTake(WRITE)).isZero();
        assertThat(account.tryTake(WRITE)).isZero();
        assertThat(account.tryTake(WRITE)).isPositive();
    }
}
