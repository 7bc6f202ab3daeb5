package dev.arcfleet.inventory.kube;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

@ConfigMapping(prefix = "fleet.discovery")
public interface DiscoveryConfig {
    /** Whether this instance watches the registered clusters; with several replicas, let exactly one do it. */
    @WithDefault("true")
    boolean enabled();

    /** How often every known node is delivered again and the cluster's node list compared with the registry. */
    @WithDefault("10m")
    Duration resync();

    /** Most node changes registered in one transaction. */
    @WithDefault("500")
    int batchSize();

    /** How long a batch waits for more node changes before it is registered. */
    @WithDefault("200ms")
    Duration batchLinger();

    /** How often watches are checked: reconnect the broken ones, reconcile the ones due. */
    @WithDefault("15s")
    Duration superviseInterval();

    /**
     * The only directory kubeconfig files are read from: a registered path must lie inside it, also once links are
     * followed (the executor reads its per-cluster kubeconfigs from the same mount, {@code executor.kube.kubeconfig-dir}).
     */
    @WithDefault("/etc/arcfleet/kubeconfigs")
    Path kubeconfigDir();

    /** The only namespaces of the service's own cluster whose Secrets may hold kubeconfigs. */
    @WithDefault("arc-fleet")
    List<String> kubeconfigSecretNamespaces();

    /** The largest kubeconfig read, from a file or a Secret. */
    @WithDefault("262144")
    int maxKubeconfigBytes();

    /** How long a watch may stay disconnected before its client is rebuilt from freshly read credentials. */
    @WithDefault("2m")
    Duration reconnectAfter();
}
