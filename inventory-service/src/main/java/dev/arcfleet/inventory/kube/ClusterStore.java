package dev.arcfleet.inventory.kube;

import dev.arcfleet.inventory.nodes.KnownFacts;
import dev.arcfleet.support.tx.AfterCommit;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The registered clusters, in the database. */
@ApplicationScoped
public class ClusterStore {
    private final EntityManager entityManager;
    private final KnownFacts knownFacts;
    private final AfterCommit afterCommit;

    public ClusterStore(EntityManager entityManager, KnownFacts knownFacts, AfterCommit afterCommit) {
        this.entityManager = entityManager;
        this.knownFacts = knownFacts;
        this.afterCommit = afterCommit;
    }

    /**
     * Stores a new cluster; false when one with the same id is registered already. Two concurrent registrations of a
     * new id meet at the primary key: the second fails on commit.
     */
    @Transactional
    public boolean create(ClusterSpec spec, Instant now) {
        if (entityManager.find(ClusterEntity.class, spec.id()) != null) {
            return false;
        }
        entityManager.persist(ClusterEntity.from(spec, now));
        // a registered cluster's site decides who may register its nodes: heartbeats pass the rules again
        afterCommit.run(knownFacts::clear);
        return true;
    }

    @Transactional
    public List<StoredCluster> all() {
        return entityManager
                .createQuery("from ClusterEntity order by clusterId", ClusterEntity.class)
                .getResultList()
                .stream()
                .map(e -> new StoredCluster(e.toSpec(), e.createdAt))
                .toList();
    }

    @Transactional
    public Optional<StoredCluster> find(String id) {
        return Optional.ofNullable(entityManager.find(ClusterEntity.class, id))
                .map(e -> new StoredCluster(e.toSpec(), e.createdAt));
    }

    /** Forgets a cluster; false when it was not registered. */
    @Transactional
    public boolean delete(String id) {
        afterCommit.run(knownFacts::clear);
        return entityManager
                        .createQuery("delete from ClusterEntity where clusterId = :id")
                        .setParameter("id", id)
                        .executeUpdate()
                > 0;
    }

    public record StoredCluster(ClusterSpec spec, Instant createdAt) {}
}
