package dev.arcfleet.inventory.kube;

import dev.arcfleet.support.kube.ClusterClientFactory;
import dev.arcfleet.support.kube.KubeconfigSources;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Discovery's pure classes, and the shared cluster access under discovery's settings, as beans. */
public class DiscoveryBeans {
    static final String KUBECONFIG_DIR_SETTING = "fleet.discovery.kubeconfig-dir";
    static final String KUBECONFIG_SECRET_NAMESPACES_SETTING = "fleet.discovery.kubeconfig-secret-namespaces";

    @Produces
    @Singleton
    ClusterSpecValidator clusterSpecValidator(DiscoveryConfig config) {
        return new ClusterSpecValidator(config.kubeconfigDir(), config.kubeconfigSecretNamespaces());
    }

    /** Clients for registered clusters: kubeconfigs read under the rules, with fabric8's default HTTP client. */
    @Produces
    @Singleton
    ClusterClientFactory clusterClients(KubernetesClient own, DiscoveryConfig config) {
        return new ClusterClientFactory(
                own,
                new KubeconfigSources(
                        config.kubeconfigDir(),
                        KUBECONFIG_DIR_SETTING,
                        config.kubeconfigSecretNamespaces(),
                        KUBECONFIG_SECRET_NAMESPACES_SETTING,
                        config.maxKubeconfigBytes()),
                null);
    }
}
