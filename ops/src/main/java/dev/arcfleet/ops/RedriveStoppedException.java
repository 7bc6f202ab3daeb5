package dev.arcfleet.ops;

/**
 * A re-drive that could not finish: another one holds the topic (409) or the broker or database failed (503). The
 * message says how many records were re-driven and recorded before it stopped.
 */
public class RedriveStoppedException extends RuntimeException {
    private final int status;

    public RedriveStoppedException(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
