package dev.arcfleet.executor.engine;

import java.time.Duration;

/** What happened when a step ran once. */
public record StepOutcome(Kind kind, String detail, String record, Duration retryAfter, String operation) {
    public enum Kind {
        /** Done; move to the next step. */
        SUCCEEDED,
        /** Not done yet (waiting on Azure or the cluster): look again after {@code retryAfter}. */
        WAITING,
        /** A transient error (throttling, 5xx, a timeout): run the same step again after {@code retryAfter}. */
        RETRY,
        /** ARM throttled the call (429): run the same step again after its {@code Retry-After}; not counted as a failure. */
        THROTTLED,
        /** Will never succeed as it is; the execution fails with {@code detail} as the reason. */
        FAILED
    }

    public static StepOutcome succeeded(String detail, String record) {
        return new StepOutcome(Kind.SUCCEEDED, detail, record, Duration.ZERO, null);
    }

    public static StepOutcome waiting(String detail, Duration after) {
        return new StepOutcome(Kind.WAITING, detail, null, after, null);
    }

    /** Waiting on an ARM long-running operation, remembered with the step so a restart polls it instead of re-sending. */
    public static StepOutcome waitingOn(String operation, String detail, Duration after) {
        return new StepOutcome(Kind.WAITING, detail, null, after, operation);
    }

    public static StepOutcome retry(String detail, Duration after) {
        return new StepOutcome(Kind.RETRY, detail, null, after, null);
    }

    public static StepOutcome throttled(String detail, Duration after) {
        return new StepOutcome(Kind.THROTTLED, detail, null, after, null);
    }

    public static StepOutcome failed(String reason) {
        return new StepOutcome(Kind.FAILED, reason, null, Duration.ZERO, null);
    }
}
