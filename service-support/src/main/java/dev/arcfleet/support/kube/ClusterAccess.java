package dev.arcfleet.support.kube;

/**
 * How a service reaches a cluster's API server (the inventory to discover nodes, the executor to apply steps). Only a
 * reference is kept (a file path or a Secret's coordinates); the kubeconfig behind it is read when connecting, by
 * {@link ClusterClientFactory}, and never stored or published.
 */
public record ClusterAccess(Mode mode, String path, SecretRef secret) {
    public static final String DEFAULT_SECRET_KEY = "kubeconfig";

    public enum Mode {
        /** The service's own Kubernetes client: the cluster it runs in. */
        IN_CLUSTER,
        /** A kubeconfig file mounted into the service. */
        KUBECONFIG_FILE,
        /** A kubeconfig held in a Secret of the cluster the service runs in. */
        KUBECONFIG_SECRET
    }

    public record SecretRef(String namespace, String name, String key) {}

    public static ClusterAccess inCluster() {
        return new ClusterAccess(Mode.IN_CLUSTER, null, null);
    }

    public static ClusterAccess file(String path) {
        return new ClusterAccess(Mode.KUBECONFIG_FILE, path, null);
    }

    public static ClusterAccess secret(String namespace, String name, String key) {
        return new ClusterAccess(Mode.KUBECONFIG_SECRET, null, new SecretRef(namespace, name, key));
    }

    /** Names the credentials reference in messages, never their content. */
    public String describe() {
        return switch (mode) {
            case IN_CLUSTER -> "the service's own cluster";
            case KUBECONFIG_FILE -> "kubeconfig file " + path;
            case KUBECONFIG_SECRET ->
                "kubeconfig in secret " + secret.namespace() + "/" + secret.name() + " key " + secret.key();
        };
    }
}
