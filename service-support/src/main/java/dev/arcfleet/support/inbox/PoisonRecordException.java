package dev.arcfleet.support.inbox;

/**
 * A record that can never be processed as it is (bad JSON, unknown type, missing fields). Thrown from a consumer, it
 * sends the record to the topic's dead-letter topic with this message as {@code dead-letter-reason}.
 */
public class PoisonRecordException extends RuntimeException {
    public PoisonRecordException(String message) {
        super(message);
    }

    public PoisonRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
