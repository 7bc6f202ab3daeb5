package dev.arcfleet.executor.azure;

import java.time.Duration;
import java.util.Locale;

/**
 * The state of an ARM long-running operation: {@code InProgress} until {@code Succeeded}, {@code Failed} or
 * {@code Canceled}; {@code retryAfter} is the answer's {@code Retry-After}, how long to wait before polling again (null
 * when it sent none).
 */
public record ArmOperation(String status, String error, Duration retryAfter) {

    /** A status answered without a {@code Retry-After}. */
    public ArmOperation(String status, String error) {
        this(status, error, null);
    }

    public boolean finished() {
        return succeeded() || failed();
    }

    public boolean succeeded() {
        return "succeeded".equals(status.toLowerCase(Locale.ROOT));
    }

    public boolean failed() {
        String s = status.toLowerCase(Locale.ROOT);
        return s.equals("failed") || s.equals("canceled");
    }
}
