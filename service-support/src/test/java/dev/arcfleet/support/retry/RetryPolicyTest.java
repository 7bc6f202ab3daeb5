package dev.arcfleet.support.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    private static final RetryPolicy OUTBOX = RetryPolicy.exponential(Duration.ofMillis(100), Duration.ofSeconds(10));

    @Test
    void doublesFromTheInitialDelayUpToTheCap() {
        assertThat(OUTBOX.delay(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(OUTBOX.delay(2)).isEqualTo(Duration.ofMillis(200));
        assertThat(OUTBOX.delay(7)).isEqualTo(Duration.ofMillis(6_400));
        assertThat(OUTBOX.delay(8)).isEqualTo(Duration.ofSeconds(10));
        assertThat(OUTBOX.delay(100_000)).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void anotherMultiplierGrowsByIt() {
        RetryPolicy triple = OUTBOX.withMultiplier(3);
        assertThat(triple.delay(3)).isEqualTo(Duration.ofMillis(900));
        assertThat(OUTBOX.delay(3)).as("the original is unchanged").isEqualTo(Duration.ofMillis(400));
    }

    @Test
    void anAttemptLimitAllowsThatManyAttemptsInAll() {
        RetryPolicy six = RetryPolicy.exponential(Duration.ofMillis(500), Duration.ofSeconds(8))
                .withMaxAttempts(6);
        assertThat(six.allowsRetryAfter(5)).isTrue();
        assertThat(six.allowsRetryAfter(6)).isFalse();
        assertThat(six.delay(5)).isEqualTo(Duration.ofSeconds(8));
        assertThat(OUTBOX.allowsRetryAfter(Integer.MAX_VALUE)).isTrue();
    }

    @Test
    void jitterStaysBetweenHalfAndAllOfTheDelayAndCoversThatRange() {
        // the executor's step backoff: 1 s doubling to 2 min, between half and all of the delay
        RetryPolicy steps = RetryPolicy.exponential(Duration.ofSeconds(1), Duration.ofMinutes(2))
                .withJitter(0.5)
                .withRandom(new SplittableRandom(42));
        Duration lowest = Duration.ofDays(1);
        Duration highest = Duration.ZERO;
        for (int i = 0; i < 2_000; i++) {
            Duration d = steps.delay(4);
            assertThat(d).isBetween(Duration.ofSeconds(4), Duration.ofSeconds(8));
            lowest = d.compareTo(lowest) < 0 ? d : lowest;
            highest = d.compareTo(highest) > 0 ? d : highest;
        }
        assertThat(lowest).isLessThan(Duration.ofMillis(4_100));
        assertThat(highest).isGreaterThan(Duration.ofMillis(7_900));
        assertThat(steps.delay(30)).isBetween(Duration.ofMinutes(1), Duration.ofMinutes(2));
    }

    @Test
    void theInjectedRandomSourceDecidesTheJitter() {
        RandomGenerator lowest = new RandomGenerator() {
            @Override
            public long nextLong() {
                return 0;
            }

            @Override
            public long nextLong(long bound) {
                return 0;
            }
        };
        RetryPolicy policy = OUTBOX.withJitter(0.5).withRandom(lowest);
        assertThat(policy.delay(2)).isEqualTo(Duration.ofMillis(100));
        assertThat(OUTBOX.withJitter(1).withRandom(lowest).delay(2)).isEqualTo(Duration.ZERO);
    }

    @Test
    void aLongerRetryAfterWinsAndAShorterOneDoesNot() {
        assertThat(OUTBOX.delay(1, Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(30));
        assertThat(OUTBOX.delay(3, Duration.ofMillis(50))).isEqualTo(Duration.ofMillis(400));
        assertThat(OUTBOX.delay(3, null)).isEqualTo(Duration.ofMillis(400));
    }

    @Test
    void pauseWaitsAtLeastTheDelay() {
        RetryPolicy short10 = RetryPolicy.exponential(Duration.ofMillis(10), Duration.ofMillis(40));
        long start = System.nanoTime();
        assertThat(short10.pause(3)).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(40));
    }

    @Test
    void anInterruptedThreadDoesNotParkAndKeepsItsFlag() {
        Thread.currentThread().interrupt();
        try {
            long start = System.nanoTime();
            assertThat(RetryPolicy.park(Duration.ofMinutes(5))).isFalse();
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMinutes(1));
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void anInterruptDuringAParkEndsIt() throws InterruptedException {
        java.util.concurrent.atomic.AtomicBoolean result = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicBoolean flag = new java.util.concurrent.atomic.AtomicBoolean();
        Thread parked = new Thread(() -> {
            result.set(RetryPolicy.park(Duration.ofMinutes(5)));
            flag.set(Thread.currentThread().isInterrupted());
        });
        parked.start();
        org.awaitility.Awaitility.await().until(() -> parked.getState() == Thread.State.TIMED_WAITING);
        parked.interrupt();
        parked.join(Duration.ofSeconds(30).toMillis());
        assertThat(parked.isAlive()).isFalse();
        assertThat(result).isFalse();
        assertThat(flag).isTrue();
    }

    @Test
    void refusesPoliciesThatMakeNoSense() {
        assertThatThrownBy(() -> RetryPolicy.exponential(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OUTBOX.withMultiplier(0.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OUTBOX.withJitter(1.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OUTBOX.delay(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
