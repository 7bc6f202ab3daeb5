package dev.arcfleet.executor.azure;

import java.util.Locale;

/** The state of an ARM long-running operation: {@code InProgress} until {@code Succeeded}, {@code Failed} or {@code Canceled}. */
public record ArmOperation(String status, String error) {

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
