package dev.arcfleet.inventory.kube;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Discovery's pure classes, as beans. */
public class DiscoveryBeans {
    @Produces
    @Singleton
    ClusterSpecValidator clusterSpecValidator() {
        return new ClusterSpecValidator();
    }
}
