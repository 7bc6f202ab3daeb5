package dev.arcfleet.inventory.kube;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.util.List;

/** Registry reads for discovery: the active nodes discovered in a cluster (node ids {@code <clusterId>/...}). */
@ApplicationScoped
public class DiscoveredNodes {
    private final EntityManager entityManager;

    public DiscoveredNodes(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    /** Cluster ids hold neither {@code %} nor {@code _} (see {@link ClusterSpecValidator}), so the prefix is literal. */
    @Transactional
    public List<String> activeNodeIds(String clusterId) {
        return entityManager
                .createQuery(
                        "select n.nodeId from NodeEntity n where n.nodeId like :prefix and n.retired = false",
                        String.class)
                .setParameter("prefix", clusterId + "/%")
                .getResultList();
    }
}
