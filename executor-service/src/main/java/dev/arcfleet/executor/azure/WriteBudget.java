package dev.arcfleet.executor.azure;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * ARM's request budget, kept on our side: a token bucket per subscription (ARM's defaults: 200 writes burst, 10 per
 * second refill), shared by every worker of this instance. Asking never blocks: a worker that gets a wait reschedules
 * its step instead of holding a thread, and ARM never has to answer 429 in the steady state.
 */
public class WriteBudget {
    private final double burst;
    private final double refillPerSecond;
    private final LongSupplier nanoClock;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    public WriteBudget(int burst, double refillPerSecond) {
        this(burst, refillPerSecond, System::nanoTime);
    }

    WriteBudget(int burst, double refillPerSecond, LongSupplier nanoClock) {
        if (burst < 1 || refillPerSecond <= 0) {
            throw new IllegalArgumentException("burst must be >= 1 and refill > 0, got " + burst + " and " + refillPerSecond);
        }
        this.burst = burst;
        this.refillPerSecond = refillPerSecond;
        this.nanoClock = nanoClock;
    }

    /** Takes one token for the subscription: {@link Duration#ZERO} when granted, else how long until one is free. */
    public Duration tryAcquire(String subscriptionId) {
        return buckets.computeIfAbsent(subscriptionId, s -> new Bucket(burst, nanoClock.getAsLong())).take();
    }

    /**
     * Reserves the next write slot of the subscription: {@link Duration#ZERO} when a token is free now, else how long
     * until the reserved token is this caller's. Reservations queue in order, so a thousand waiting writers come back
     * one per refill interval instead of all retrying at once; a caller that comes back at its time writes without
     * asking again.
     */
    public Duration reserve(String subscriptionId) {
        return buckets.computeIfAbsent(subscriptionId, s -> new Bucket(burst, nanoClock.getAsLong())).reserve();
    }

    /** After a 429, ARM knows better: nothing is granted for this subscription until {@code retryAfter} has passed. */
    public void backOff(String subscriptionId, Duration retryAfter) {
        buckets.computeIfAbsent(subscriptionId, s -> new Bucket(burst, nanoClock.getAsLong())).drain(retryAfter);
    }

    private final class Bucket {
        private double tokens;
        private long last;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.last = now;
        }

        synchronized Duration take() {
            refill();
            if (tokens >= 1) {
                tokens -= 1;
                return Duration.ZERO;
            }
            double missing = 1 - tokens;
            return Duration.ofNanos((long) Math.ceil(missing / refillPerSecond * 1e9));
        }

        synchronized Duration reserve() {
            refill();
            tokens -= 1;
            return tokens >= 0 ? Duration.ZERO : Duration.ofNanos((long) Math.ceil(-tokens / refillPerSecond * 1e9));
        }

        synchronized void drain(Duration retryAfter) {
            refill();
            tokens = Math.min(tokens, -retryAfter.toNanos() / 1e9 * refillPerSecond);
        }

        private void refill() {
            long now = nanoClock.getAsLong();
            tokens = Math.min(burst, tokens + (now - last) / 1e9 * refillPerSecond);
            last = now;
        }
    }
}
