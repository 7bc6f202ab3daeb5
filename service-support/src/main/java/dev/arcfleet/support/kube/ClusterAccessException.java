package dev.arcfleet.support.kube;

/**
 * A cluster's access reference could not be turned into a client, or names no access the service has; the message names
 * the reference only, never a kubeconfig's content.
 */
public class ClusterAccessException extends RuntimeException {
    public ClusterAccessException(String message) {
        super(message);
    }

    public ClusterAccessException(String message, Throwable cause) {
        super(message, cause);
    }
}
