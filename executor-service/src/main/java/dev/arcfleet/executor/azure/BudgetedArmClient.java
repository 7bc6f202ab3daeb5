package dev.arcfleet.executor.azure;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * An {@link ArmClient} that spends the shared {@link ArmBudget}: every read takes a READ token first (a list one for
 * all its pages; a read that must wait throws {@link Wait}; reads never drain the write budget), and a 429 holds the budget of the call's kind for
 * every replica until its Retry-After (10 s when ARM sent none). Writes and deletes are reserved by the caller
 * ({@link ArmBudget.Account#reserve}), which remembers its reservation across the wait.
 */
public class BudgetedArmClient implements ArmClient {
    /** What a 429 without Retry-After holds the budget for. */
    public static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(10);

    private final ArmClient arm;
    private final ArmBudget.Account budget;

    public BudgetedArmClient(ArmClient arm, ArmBudget.Account budget) {
        this.arm = arm;
        this.budget = budget;
    }

    /** A read refused by the budget: try again after {@link #after()}. Nothing was sent to ARM. */
    public static final class Wait extends RuntimeException {
        private final Duration after;

        Wait(Duration after) {
            super("the ARM read budget is spent: next read in " + after.toMillis() + " ms", null, false, false);
            this.after = after;
        }

        public Duration after() {
            return after;
        }
    }

    public ArmBudget.Account budget() {
        return budget;
    }

    @Override
    public Optional<ArmResource> get(String resourceId, String apiVersion) {
        return read(() -> arm.get(resourceId, apiVersion));
    }

    @Override
    public ArmAccepted put(String resourceId, String apiVersion, Map<String, Object> body) {
        return call(ArmBudget.Kind.WRITE, () -> arm.put(resourceId, apiVersion, body));
    }

    @Override
    public ArmAccepted delete(String resourceId, String apiVersion) {
        return call(ArmBudget.Kind.DELETE, () -> arm.delete(resourceId, apiVersion));
    }

    @Override
    public List<ArmResource> list(String collectionId, String apiVersion) {
        return read(() -> arm.list(collectionId, apiVersion));
    }

    @Override
    public ArmOperation operation(String url) {
        return read(() -> arm.operation(url));
    }

    private <T> T read(Supplier<T> call) {
        Duration wait = budget.tryTake(ArmBudget.Kind.READ);
        if (!wait.isZero()) {
            throw new Wait(wait);
        }
        return call(ArmBudget.Kind.READ, call);
    }

    private <T> T call(ArmBudget.Kind kind, Supplier<T> call) {
        try {
            return call.get();
        } catch (ArmException e) {
            if (e.throttled()) {
                budget.hold(kind, e.retryAfter() != null ? e.retryAfter() : DEFAULT_RETRY_AFTER);
            }
            throw e;
        }
    }
}
