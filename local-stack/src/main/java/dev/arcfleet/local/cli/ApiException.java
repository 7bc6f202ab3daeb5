package dev.arcfleet.local.cli;

/** The API answered, and refused: its status and the message of its error body. Exit code 1. */
public final class ApiException extends RuntimeException {
    private final int status;

    public ApiException(int status, String message) {
        super("HTTP " + status + ": " + message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
