package dev.arcfleet.inventory.kube;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Discovery's pure classes, as beans. */
public class DiscoveryBeans {
    @Produces
    @Singleton
    ClusterSpecValidator clusterSpecValidator(DiscoveryConfig config) {
        return new ClusterSpecValidator(config.kubeconfigDir(), config.kubeconfigSecretNamespaces());
    }
}
