package dev.arcfleet.local.stack;

/** The local stack could not be started, stopped or used; the message says what and where its log is. */
public class StackException extends RuntimeException {
    public StackException(String message) {
        super(message);
    }

    public StackException(String message, Throwable cause) {
        super(message, cause);
    }
}
