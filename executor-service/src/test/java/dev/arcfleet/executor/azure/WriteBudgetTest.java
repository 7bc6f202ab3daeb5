package dev.arcfleet.executor.azure;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class WriteBudgetTest {
    private final AtomicLong now = new AtomicLong();
    private final WriteBudget budget = new WriteBudget(200, 10, now::get);

    @Test
    void grantsTheBurstThenOneWritePerRefillInterval() {
        for (int i = 0; i < 200; i++) {
            assertThat(budget.tryAcquire("sub-a")).isZero();
        }
        assertThat(budget.tryAcquire("sub-a")).isEqualTo(Duration.ofMillis(100));
        now.addAndGet(Duration.ofMillis(100).toNanos());
        assertThat(budget.tryAcquire("sub-a")).isZero();
        assertThat(budget.tryAcquire("sub-a")).isPositive();
    }

    @Test
    void keepsOneBucketPerSubscription() {
        for (int i = 0; i < 200; i++) {
            budget.tryAcquire("sub-a");
        }
        assertThat(budget.tryAcquire("sub-a")).isPositive();
        assertThat(budget.tryAcquire("sub-b")).isZero();
    }

    @Test
    void neverRefillsBeyondTheBurst() {
        now.addAndGet(Duration.ofHours(1).toNanos());
        for (int i = 0; i < 200; i++) {
            assertThat(budget.tryAcquire("sub-a")).isZero();
        }
        assertThat(budget.tryAcquire("sub-a")).isPositive();
    }

    @Test
    void honoursRetryAfterFromA429() {
        budget.backOff("sub-a", Duration.ofSeconds(3));
        assertThat(budget.tryAcquire("sub-a")).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
        now.addAndGet(Duration.ofMillis(3100).toNanos());
        assertThat(budget.tryAcquire("sub-a")).isZero();
    }

    @Test
    void reservationsQueueOnePerRefillIntervalBehindTheBurst() {
        for (int i = 0; i < 200; i++) {
            assertThat(budget.reserve("sub-a")).isZero();
        }
        assertThat(budget.reserve("sub-a")).isEqualTo(Duration.ofMillis(100));
        assertThat(budget.reserve("sub-a")).isEqualTo(Duration.ofMillis(200));
        assertThat(budget.reserve("sub-a")).isEqualTo(Duration.ofMillis(300));
        now.addAndGet(Duration.ofMillis(300).toNanos());
        // the three reserved slots are taken: the next writer queues behind them
        assertThat(budget.reserve("sub-a")).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void aRetryAfterPushesReservationsBackToo() {
        budget.backOff("sub-a", Duration.ofSeconds(3));
        assertThat(budget.reserve("sub-a")).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
    }
}
