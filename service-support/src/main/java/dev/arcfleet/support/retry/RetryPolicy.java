package dev.arcfleet.support.retry;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.random.RandomGenerator;

/**
 * How long to wait before trying again: exponential backoff from {@code initial}, times {@code multiplier} per failed
 * attempt, capped at {@code max}; optionally a limit on attempts and jitter (the delay drawn between
 * {@code 1 - jitter} and all of the exponential delay). Immutable; the random source is injectable for tests.
 * Attempts count from 1: {@code delay(1)} is the wait after the first failed attempt.
 */
public final class RetryPolicy {
    /** No limit on attempts. */
    public static final int UNLIMITED = 0;

    private final Duration initial;
    private final double multiplier;
    private final Duration max;
    private final int maxAttempts;
    private final double jitter;
    /** Null: {@link ThreadLocalRandom} of the calling thread. */
    private final RandomGenerator random;

    private RetryPolicy(
            Duration initial, double multiplier, Duration max, int maxAttempts, double jitter, RandomGenerator random) {
        if (initial.isNegative() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("need 0 <= initial <= max, got " + initial + " and " + max);
        }
        if (multiplier < 1) {
            throw new IllegalArgumentException("multiplier must be at least 1, got " + multiplier);
        }
        if (maxAttempts < 0) {
            throw new IllegalArgumentException("maxAttempts must be positive or UNLIMITED, got " + maxAttempts);
        }
        if (jitter < 0 || jitter > 1) {
            throw new IllegalArgumentException("jitter must be between 0 and 1, got " + jitter);
        }
        this.initial = initial;
        this.multiplier = multiplier;
        this.max = max;
        this.maxAttempts = maxAttempts;
        this.jitter = jitter;
        this.random = random;
    }

    /** Doubling from {@code initial} up to {@code max}, no attempt limit, no jitter. */
    public static RetryPolicy exponential(Duration initial, Duration max) {
        return new RetryPolicy(Objects.requireNonNull(initial), 2, Objects.requireNonNull(max), UNLIMITED, 0, null);
    }

    public RetryPolicy withMultiplier(double multiplier) {
        return new RetryPolicy(initial, multiplier, max, maxAttempts, jitter, random);
    }

    /** At most this many attempts in all ({@link #UNLIMITED} for no limit). */
    public RetryPolicy withMaxAttempts(int maxAttempts) {
        return new RetryPolicy(initial, multiplier, max, maxAttempts, jitter, random);
    }

    /** Draws each delay uniformly between {@code (1 - fraction)} and all of it; 0.5 means "between half and all". */
    public RetryPolicy withJitter(double fraction) {
        return new RetryPolicy(initial, multiplier, max, maxAttempts, fraction, random);
    }

    /** The random source for jitter (a seeded one in tests). Used from one thread at a time only if it is not thread-safe. */
    public RetryPolicy withRandom(RandomGenerator random) {
        return new RetryPolicy(initial, multiplier, max, maxAttempts, jitter, Objects.requireNonNull(random));
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    /** Whether another attempt may follow the failed attempt number {@code attempt}. */
    public boolean allowsRetryAfter(int attempt) {
        return maxAttempts == UNLIMITED || attempt < maxAttempts;
    }

    /** The wait after the failed attempt number {@code attempt} (1 or more). */
    public Duration delay(int attempt) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempts count from 1, got " + attempt);
        }
        long maxNanos = max.toNanos();
        double exponential = initial.toNanos() * Math.pow(multiplier, Math.min(attempt - 1, 1_000));
        long capped = exponential >= maxNanos ? maxNanos : (long) exponential;
        if (jitter == 0 || capped == 0) {
            return Duration.ofNanos(capped);
        }
        long spread = (long) (capped * jitter);
        RandomGenerator source = random != null ? random : ThreadLocalRandom.current();
        return Duration.ofNanos(capped - spread + source.nextLong(spread + 1));
    }

    /** As {@link #delay(int)}, but never shorter than what the other side asked for (a Retry-After): the longer wins. */
    public Duration delay(int attempt, Duration retryAfter) {
        Duration own = delay(attempt);
        return retryAfter != null && retryAfter.compareTo(own) > 0 ? retryAfter : own;
    }

    /**
     * Parks the calling thread for {@link #delay(int)}; false when it was interrupted (the interrupt flag stays set,
     * the caller should stop).
     */
    public boolean pause(int attempt) {
        return park(delay(attempt));
    }

    /** Parks for {@code duration}, through spurious wake-ups; false when interrupted (the flag stays set). */
    public static boolean park(Duration duration) {
        long deadline = System.nanoTime() + duration.toNanos();
        for (long left = duration.toNanos(); left > 0; left = deadline - System.nanoTime()) {
            if (Thread.currentThread().isInterrupted()) {
                return false;
            }
            LockSupport.parkNanos(left);
        }
        return !Thread.currentThread().isInterrupted();
    }

    @Override
    public String toString() {
        return "RetryPolicy[" + initial + " x" + multiplier + " up to " + max
                + (maxAttempts == UNLIMITED ? "" : ", " + maxAttempts + " attempts")
                + (jitter == 0 ? "" : ", jitter " + jitter) + "]";
    }
}
