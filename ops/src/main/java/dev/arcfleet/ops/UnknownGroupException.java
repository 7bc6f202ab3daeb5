package dev.arcfleet.ops;

/** The broker knows nothing of the group on that topic: no committed offsets and no members (404). */
public class UnknownGroupException extends RuntimeException {
    public UnknownGroupException(String message) {
        super(message);
    }
}
