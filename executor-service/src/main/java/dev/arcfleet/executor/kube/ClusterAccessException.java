package dev.arcfleet.executor.kube;

/** The executor has no access to a cluster a step needs: the step fails with the reason, it is not retried. */
public class ClusterAccessException extends RuntimeException {
    public ClusterAccessException(String message) {
        super(message);
    }
}
