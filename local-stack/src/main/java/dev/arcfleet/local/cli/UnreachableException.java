package dev.arcfleet.local.cli;

/** The stack cannot be reached: a service does not answer, or what {@code up} writes is missing. Exit code 3. */
public final class UnreachableException extends RuntimeException {
    public UnreachableException(String message) {
        super(message);
    }

    public UnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
