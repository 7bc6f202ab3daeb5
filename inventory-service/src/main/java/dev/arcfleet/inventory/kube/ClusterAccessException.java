package dev.arcfleet.inventory.kube;

/** A cluster's credentials reference could not be turned into a client; the message names the reference only. */
public class ClusterAccessException extends RuntimeException {
    public ClusterAccessException(String message) {
        super(message);
    }

    public ClusterAccessException(String message, Throwable cause) {
        super(message, cause);
    }
}
