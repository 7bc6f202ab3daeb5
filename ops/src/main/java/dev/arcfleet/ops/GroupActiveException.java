package dev.arcfleet.ops;

/** The group has members: Kafka alters only the offsets of a group nobody consumes in (409). */
public class GroupActiveException extends RuntimeException {
    public GroupActiveException(String message, Throwable cause) {
        super(message, cause);
    }
}
