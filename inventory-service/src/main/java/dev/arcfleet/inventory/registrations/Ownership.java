package dev.arcfleet.inventory.registrations;

import dev.arcfleet.contracts.FactsSource;
import dev.arcfleet.contracts.FieldError;
import dev.arcfleet.contracts.NodeFacts;
import dev.arcfleet.inventory.nodes.NodeEntity;
import dev.arcfleet.support.log.LogSafe;
import io.quarkus.logging.Log;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Who owns what, for one batch of registrations by one {@link Registrant} (issue 19, V7__ownership.sql). A node belongs
 * to the site that first registered it: its {@code node.site}, which only an operator (or discovery) may change, and
 * every change is a row of {@code node_site_change} naming the registrant. A cluster belongs to the site it was
 * registered under: the site of its {@code cluster} row when an operator registered it for discovery, else the site
 * of the first registration that named it ({@code cluster_owner}, claimed then). A registrar token and a Kafka
 * registration are refused another site's node or cluster; the refusal names the owner.
 */
final class Ownership {
    static final int MAX_WHO = 128;

    private final EntityManager entityManager;
    private final Registrant registrant;
    private final FactsSource source;
    private final Instant now;
    /** Cluster owners looked up or claimed in this batch: cluster id to site (a site may be null). */
    private final Map<String, Optional<String>> owners = new HashMap<>();

    Ownership(EntityManager entityManager, Registrant registrant, FactsSource source, Instant now) {
        this.entityManager = entityManager;
        this.registrant = registrant;
        this.source = source;
        this.now = now;
    }

    String who() {
        String name = registrant.name() == null || registrant.name().isBlank()
                ? registrant.kind().name()
                : registrant.name();
        return name.length() <= MAX_WHO ? name : name.substring(0, MAX_WHO);
    }

    /**
     * Why this registrant may not name the facts' site at all, if it may not: a registrar token speaks for its one site
     * only, whatever the facts are (a heartbeat included).
     */
    Optional<FieldError> tokenRefusal(NodeFacts facts) {
        if (registrant.kind() == Registrant.Kind.REGISTRAR && !Objects.equals(facts.site(), registrant.site())) {
            return Optional.of(new FieldError(
                    "site",
                    "must be " + site(registrant.site()) + ": this registration token is for that site, not "
                            + site(facts.site())));
        }
        return Optional.empty();
    }

    /**
     * Why this registrant may not register these facts over this node (null when new), if it may not: the token's
     * site ({@link #tokenRefusal}), a move of the node to another site, a node joining another site's cluster. When it
     * may and the facts name a cluster nobody owns yet, the cluster is claimed for the facts' site. Not asked for facts
     * the node already has (a heartbeat): they take nothing they do not hold.
     */
    Optional<FieldError> refusal(NodeEntity node, NodeFacts facts) {
        Optional<FieldError> token = tokenRefusal(facts);
        if (token.isPresent()) {
            return token;
        }
        if (node != null && !Objects.equals(node.site, facts.site()) && !registrant.maySetSites()) {
            return Optional.of(new FieldError(
                    "deviceId",
                    "node " + facts.nodeId() + " belongs to site " + site(node.site) + "; moving it to site "
                            + site(facts.site()) + " is an operator's act"));
        }
        String clusterId = facts.clusterId();
        if (clusterId == null) {
            return Optional.empty();
        }
        Optional<String> owner = owner(clusterId);
        if (owner == null) {
            claim(clusterId, facts.site());
            owner = owner(clusterId);
            if (owner == null) {
                return Optional.empty();
            }
        }
        if (!Objects.equals(owner.orElse(null), facts.site()) && !registrant.maySetSites()) {
            return Optional.of(new FieldError(
                    "cluster.id",
                    "cluster " + clusterId + " belongs to site " + site(owner.orElse(null)) + "; a node of site "
                            + site(facts.site()) + " cannot join it"));
        }
        return Optional.empty();
    }

    /** Records a move of an existing node to another site (the registrant was allowed to make it). */
    void recordMove(NodeEntity node, NodeFacts facts) {
        if (Objects.equals(node.site, facts.site())) {
            return;
        }
        entityManager
                .createNativeQuery("""
                insert into node_site_change (node_id, old_site, new_site, changed_by, source, changed_at)
                values (:node, :old, :new, :who, :source, :at)""")
                .setParameter("node", node.nodeId)
                .setParameter("old", node.site)
                .setParameter("new", facts.site())
                .setParameter("who", who())
                .setParameter("source", source.name())
                .setParameter("at", now)
                .executeUpdate();
        Log.infof(
                "node %s moved from site %s to %s by %s (%s)",
                LogSafe.of(node.nodeId), LogSafe.of(node.site), LogSafe.of(facts.site()), LogSafe.of(who()), source);
    }

    /**
     * Reads the owners of a batch's clusters in one statement, so that each is not looked up by two statements of its
     * own (a batch of a large fleet names hundreds of clusters). A cluster nobody owns is left to {@link #refusal},
     * which claims it and reads the owner back as before.
     */
    @SuppressWarnings("unchecked")
    void prefetch(Collection<String> clusterIds) {
        String[] ids = clusterIds.stream()
                .filter(id -> id != null && !owners.containsKey(id))
                .distinct()
                .toArray(String[]::new);
        if (ids.length == 0) {
            return;
        }
        // the same precedence as owner(): the site of a cluster an operator registered, else the claim
        List<Object[]> rows =
                entityManager.createNativeQuery("""
                select ids.id, c.site, o.cluster_id is not null, o.site
                from unnest(cast(:ids as varchar[])) as ids(id)
                left join cluster c on c.cluster_id = ids.id and c.site is not null
                left join cluster_owner o on o.cluster_id = ids.id""").setParameter("ids", ids).getResultList();
        for (Object[] row : rows) {
            if (row[1] != null) {
                owners.put((String) row[0], Optional.of(row[1].toString()));
            } else if (Boolean.TRUE.equals(row[2])) {
                owners.put((String) row[0], Optional.ofNullable((String) row[3]));
            }
        }
    }

    /** The cluster's owner: present (its site, possibly none) when owned, null when nobody owns it yet. */
    @SuppressWarnings("unchecked")
    private Optional<String> owner(String clusterId) {
        if (owners.containsKey(clusterId)) {
            return owners.get(clusterId);
        }
        List<Object> registered = entityManager
                .createNativeQuery("select site from cluster where cluster_id = :id and site is not null")
                .setParameter("id", clusterId)
                .getResultList();
        Optional<String> owner;
        if (!registered.isEmpty()) {
            owner = Optional.of(registered.get(0).toString());
        } else {
            List<Object[]> claimed = entityManager
                    .createNativeQuery("select cluster_id, site from cluster_owner where cluster_id = :id")
                    .setParameter("id", clusterId)
                    .getResultList();
            owner = claimed.isEmpty() ? null : Optional.ofNullable((String) claimed.get(0)[1]);
        }
        if (owner != null) {
            owners.put(clusterId, owner);
        }
        return owner;
    }

    /**
     * Claims the cluster for the site. A concurrent claim by another transaction wins if it commits first: the insert
     * waits for it, does nothing, and the owner read back is the other site (refused then like any foreign cluster).
     */
    private void claim(String clusterId, String site) {
        entityManager
                .createNativeQuery("""
                insert into cluster_owner (cluster_id, site, claimed_by, claimed_at) values (:id, :site, :who, :at)
                on conflict do nothing""")
                .setParameter("id", clusterId)
                .setParameter("site", site)
                .setParameter("who", who())
                .setParameter("at", now)
                .executeUpdate();
    }

    private static String site(String site) {
        return site == null ? "(none)" : site;
    }
}
