package dev.arcfleet.contracts;

import java.time.Instant;
import java.util.List;

/**
 * A rollout's latest state, on {@code onboarding.rollouts} (CloudEvents type {@link EventTypes#ROLLOUT_STATE}, key:
 * the rollout id, compacted). The planner publishes it whenever the rollout changes; a reader keeps the one with the
 * newest {@code updatedAt}. {@code state}: ACTIVE, SOAKING, SUSPENDED, COMPLETED or ABORTED; {@code currentBatch}: 0
 * before the first batch; {@code reason}: why it is suspended or aborted, else null; {@code batches}: those formed so
 * far, in order.
 */
public record RolloutState(
        String eventId,
        String rolloutId,
        String name,
        String state,
        int currentBatch,
        int batchCount,
        String reason,
        List<Batch> batches,
        Instant updatedAt) {

    /** One batch's counts: its plans, those released, succeeded, failed, timed out and running; its threshold. */
    public record Batch(
            int batch,
            int threshold,
            int plans,
            int released,
            int succeeded,
            int failed,
            int timedOut,
            int running,
            List<Failure> failures) {}

    /** A plan of a batch that failed or timed out ({@code outcome}), with the executor's reason. */
    public record Failure(String planId, String outcome, String reason) {}
}
