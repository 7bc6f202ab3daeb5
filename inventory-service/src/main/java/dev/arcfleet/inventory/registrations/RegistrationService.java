package dev.arcfleet.inventory.registrations;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arcfleet.contracts.EventIds;
import dev.arcfleet.contracts.EventTypes;
import dev.arcfleet.contracts.FactsSource;
import dev.arcfleet.contracts.FieldError;
import dev.arcfleet.contracts.NodeFacts;
import dev.arcfleet.contracts.NodeRetired;
import dev.arcfleet.contracts.Registration;
import dev.arcfleet.contracts.Topics;
import dev.arcfleet.facts.normalize.FactsNormalizer;
import dev.arcfleet.inventory.live.LiveEvent;
import dev.arcfleet.inventory.live.LiveEvents;
import dev.arcfleet.inventory.nodes.KnownFacts;
import dev.arcfleet.inventory.nodes.LastSeen;
import dev.arcfleet.inventory.nodes.NodeEntity;
import dev.arcfleet.support.log.Correlation;
import dev.arcfleet.support.log.LogSafe;
import dev.arcfleet.support.outbox.Outbox;
import dev.arcfleet.support.tx.AfterCommit;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Stores registrations as nodes and publishes a {@code fleet.nodes} snapshot only when the normalized facts changed,
 * in the same transaction (outbox). Works on batches: a registration {@link KnownFacts} holds with its facts is a
 * heartbeat answered from memory, one read for the other nodes, batched writes. Every registration passes the same
 * ownership rules whether it came over REST, Kafka or an import ({@link Ownership}).
 */
@ApplicationScoped
public class RegistrationService {
    private static final int LOOKUP_CHUNK = 1000;

    private final FactsNormalizer normalizer;
    private final Outbox outbox;
    private final ObjectMapper mapper;
    private final EntityManager entityManager;
    private final LiveEvents live;
    private final RegistrationMetrics metrics;
    private final LastSeen lastSeen;
    private final KnownFacts knownFacts;
    private final AfterCommit afterCommit;

    public RegistrationService(
            FactsNormalizer normalizer,
            Outbox outbox,
            ObjectMapper mapper,
            EntityManager entityManager,
            LiveEvents live,
            RegistrationMetrics metrics,
            LastSeen lastSeen,
            KnownFacts knownFacts,
            AfterCommit afterCommit) {
        this.lastSeen = lastSeen;
        this.knownFacts = knownFacts;
        this.afterCommit = afterCommit;
        this.normalizer = normalizer;
        this.outbox = outbox;
        this.mapper = mapper;
        this.entityManager = entityManager;
        this.live = live;
        this.metrics = metrics;
    }

    /**
     * Registers valid registrations in order (a later one for the same device wins) and says what happened to each. A
     * registration whose normalized facts do not fit the registry is refused alone ({@link RegistrationOutcome#REFUSED});
     * the others are stored.
     */
    @Transactional
    public List<Registered> register(List<Registration> registrations, FactsSource source, Registrant registrant) {
        return register(registrations, null, source, registrant);
    }

    /**
     * As {@link #register(List, FactsSource, Registrant)}, with the facts a caller already normalized from the same
     * registrations ({@code normalized}, by position; null, or a null entry, normalizes here): the Kafka consumer
     * normalizes each registration to tell a heartbeat, and doing it again cost the inventory 6 % of its CPU
     * (docs/benchmarks.md, 2026-12-05 08:25). Only the event fields are stamped anew; the hash does not cover them.
     */
    @Transactional
    public List<Registered> register(
            List<Registration> registrations, List<NodeFacts> normalized, FactsSource source, Registrant registrant) {
        if (normalized != null && normalized.size() != registrations.size()) {
            throw new IllegalArgumentException(
                    normalized.size() + " normalized facts for " + registrations.size() + " registrations");
        }
        // microseconds, as PostgreSQL keeps them: an observation time read back equals the one published
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        long readGeneration = knownFacts.generation();
        int count = registrations.size();
        List<NodeFacts> facts = new ArrayList<>(count);
        List<String> correlationIds = new ArrayList<>(count);
        boolean[] fromView = new boolean[count];
        // a registration the view of known facts holds with exactly these facts is a heartbeat, answered without
        // reading the registry, unless an earlier registration of its node in this batch takes the full path (then it
        // follows it: a change back behind a change is stored)
        Set<String> fullPath = new LinkedHashSet<>();
        for (int i = 0; i < count; i++) {
            String correlationId = UUID.randomUUID().toString();
            NodeFacts given = normalized == null ? null : normalized.get(i);
            NodeFacts f = given == null
                    ? normalizer.normalize(registrations.get(i), source, now, EventIds.next(), correlationId)
                    : given.stamped(EventIds.next(), correlationId, now);
            facts.add(f);
            correlationIds.add(correlationId);
            fromView[i] = !fullPath.contains(f.nodeId()) && knownFacts.unchanged(f.nodeId(), f.factsHash());
            if (!fromView[i]) {
                fullPath.add(f.nodeId());
            }
        }
        Map<String, NodeEntity> known = load(List.copyOf(fullPath));
        Ownership ownership = new Ownership(entityManager, registrant, source, now);
        List<String> clusterIds = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            if (!fromView[i] && facts.get(i).clusterId() != null) {
                clusterIds.add(facts.get(i).clusterId());
            }
        }
        ownership.prefetch(clusterIds);
        List<Registered> outcomes = new ArrayList<>(count);
        Map<String, String> written = new HashMap<>();
        List<String> revived = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            // each node's log lines carry its own correlation id
            try (Correlation.Scope ignored = Correlation.open(correlationIds.get(i))) {
                outcomes.add(
                        fromView[i]
                                ? heartbeat(facts.get(i), ownership, now)
                                : registerOne(
                                        facts.get(i),
                                        correlationIds.get(i),
                                        known,
                                        ownership,
                                        now,
                                        readGeneration,
                                        written,
                                        revived));
            }
        }
        // written here, not at commit: a value PostgreSQL refuses fails inside the transaction with its SQL cause,
        // which
        // tells a consumer the records are at fault (at commit it would be a bare RollbackException, taken for an
        // outage)
        entityManager.flush();
        startAfresh(revived);
        if (!written.isEmpty()) {
            // taken while this transaction holds the written rows: a later writer of a node takes a later one
            long generation = knownFacts.generation();
            afterCommit.run(() -> written.forEach((nodeId, hash) -> knownFacts.stored(nodeId, hash, generation)));
        }
        for (RegistrationOutcome outcome : RegistrationOutcome.values()) {
            // a refusal is a rejection to whoever reads the metric
            metrics.count(
                    source.name(),
                    outcome.stored() ? outcome.name() : "REJECTED",
                    outcomes.stream().filter(o -> o.outcome() == outcome).count());
        }
        return outcomes;
    }

    /** A registration the view of known facts holds: its node's facts are these, so it is a heartbeat. */
    private Registered heartbeat(NodeFacts facts, Ownership ownership, Instant now) {
        // it takes nothing its node does not hold: only the token's site is asked of it, as on the full path
        Optional<FieldError> foreign = ownership.tokenRefusal(facts);
        if (foreign.isPresent()) {
            return forbidden(facts, ownership, foreign.get());
        }
        lastSeen.seen(facts.nodeId(), now);
        return Registered.unchanged(facts.factsHash());
    }

    private static Registered forbidden(NodeFacts facts, Ownership ownership, FieldError error) {
        Log.warnf(
                "registration of %s by %s refused: %s",
                LogSafe.of(facts.nodeId()), LogSafe.of(ownership.who()), LogSafe.of(error.message()));
        return Registered.forbidden(error);
    }

    private Registered registerOne(
            NodeFacts facts,
            String correlationId,
            Map<String, NodeEntity> known,
            Ownership ownership,
            Instant now,
            long readGeneration,
            Map<String, String> written,
            List<String> revived) {
        List<FieldError> misfits = NodeColumns.misfits(facts);
        if (!misfits.isEmpty()) {
            Log.warnf("registration of %s refused: %s", LogSafe.of(facts.nodeId()), LogSafe.of(misfits.toString()));
            return Registered.refused(misfits);
        }
        NodeEntity node = known.get(facts.nodeId());
        boolean unchanged = node != null && !node.retired && node.factsHash.equals(facts.factsHash());
        // a heartbeat takes nothing the node does not hold: only the token's site is asked of it, as heartbeat() asks
        // one the view of known facts holds (docs/architecture.md, data path)
        Optional<FieldError> foreign = unchanged ? ownership.tokenRefusal(facts) : ownership.refusal(node, facts);
        if (foreign.isPresent()) {
            return forbidden(facts, ownership, foreign.get());
        }
        if (unchanged) {
            // no write of its own: the time joins the next batched flush
            lastSeen.seen(node.nodeId, now);
            knownFacts.observed(node.nodeId, node.factsHash, readGeneration);
            return Registered.unchanged(node.factsHash);
        }
        if (node != null && node.observedAt != null && !facts.observedAt().isAfter(node.observedAt)) {
            // each write of a node's facts is observed later than the one before (a batch shares one time, and
            // another instance's clock may be behind): the planner tells a resent or replayed event by it
            facts = facts.withObservedAt(node.observedAt.plus(1, ChronoUnit.MICROS));
        }
        // the stored facts and the published event are the same text, written once
        String json = toJson(facts);
        if (node == null) {
            node = new NodeEntity();
            node.nodeId = facts.nodeId();
            node.createdAt = now;
            apply(node, facts, json, now);
            entityManager.persist(node);
            known.put(node.nodeId, node);
        } else {
            ownership.recordMove(node, facts);
            if (node.retired) {
                revived.add(node.nodeId);
            }
            apply(node, facts, json, now);
        }
        written.put(node.nodeId, node.factsHash);
        outbox.publishJson(
                Topics.NODES,
                facts.clusterId() != null ? facts.clusterId() : facts.nodeId(),
                EventTypes.NODE_FACTS,
                facts.eventId(),
                correlationId,
                json);
        Log.debugf("node %s facts %s published, correlation %s", facts.nodeId(), facts.factsHash(), correlationId);
        live.afterCommit(
                new LiveEvent("NODE", facts.nodeId(), null, "REGISTERED", null, null, null, correlationId, now));
        return Registered.accepted(facts.factsHash());
    }

    /**
     * Marks nodes retired and publishes one {@code NodeRetired} per node that was active, keyed like its facts (cluster,
     * else node). Unknown and already retired nodes are skipped, and the rows are locked, so a retirement seen twice
     * (a deletion and a reconciliation) is published once. A retired node keeps its facts and answers on
     * {@code GET /api/v1/nodes/{id}}; registering it again brings it back. Returns the ids it retired.
     */
    @Transactional
    public List<String> retire(List<String> nodeIds, String reason) {
        Instant now = Instant.now();
        List<String> retired = new ArrayList<>();
        List<String> ids =
                nodeIds.stream().map(String::trim).distinct().sorted().toList();
        for (int i = 0; i < ids.size(); i += LOOKUP_CHUNK) {
            // the node rows are locked first, by a statement of their own: the entity's query joins the optional
            // latest_decision row, and Hibernate's follow-on locking of that join fails when a node has no decision
            @SuppressWarnings("unchecked")
            List<String> locked = entityManager
                    .createNativeQuery("""
                    select node_id from node where node_id = any(cast(:ids as varchar[])) and not retired
                    order by node_id for update""")
                    .setParameter(
                            "ids",
                            ids.subList(i, Math.min(ids.size(), i + LOOKUP_CHUNK))
                                    .toArray(String[]::new))
                    .getResultList();
            if (locked.isEmpty()) {
                continue;
            }
            List<NodeEntity> active = entityManager
                    .createQuery(
                            "from NodeEntity where nodeId in :ids and retired = false order by nodeId",
                            NodeEntity.class)
                    .setParameter("ids", locked)
                    .getResultList();
            for (NodeEntity node : active) {
                String eventId = EventIds.next();
                String correlationId = UUID.randomUUID().toString();
                node.retired = true;
                node.updatedAt = now;
                outbox.publish(
                        Topics.NODES,
                        node.clusterId != null ? node.clusterId : node.nodeId,
                        EventTypes.NODE_RETIRED,
                        eventId,
                        correlationId,
                        new NodeRetired(
                                eventId, correlationId, now, node.nodeId, node.clusterId, reason, node.observedAt));
                Log.debugf("node %s retired (%s), correlation %s", node.nodeId, reason, correlationId);
                retired.add(node.nodeId);
            }
        }
        if (!retired.isEmpty()) {
            // the rows are locked (above): a later writer of a node takes a later generation
            long generation = knownFacts.generation();
            afterCommit.run(() -> retired.forEach(nodeId -> knownFacts.stored(nodeId, null, generation)));
        }
        return retired;
    }

    /** As {@link #retireSelected(String, Map, java.util.Set, Instant, String)}, stale or not. */
    @Transactional
    public List<String> retireSelected(
            String site, Map<String, String> labels, java.util.Set<String> clusterIds, String reason) {
        return retireSelected(site, labels, clusterIds, null, reason);
    }

    /**
     * Retires the active nodes a selector picks, as {@link #retire}: every field given must match (null or empty:
     * any); {@code site}; {@code clusterIds}: the node's cluster; {@code labels}: the node's facts carry each;
     * {@code seenBefore}: last seen before this time (stale). A selector naming nothing retires nothing. Returns the ids
     * it retired.
     */
    @Transactional
    public List<String> retireSelected(
            String site,
            Map<String, String> labels,
            java.util.Set<String> clusterIds,
            Instant seenBefore,
            String reason) {
        Map<String, String> wanted = labels == null ? Map.of() : labels;
        java.util.Set<String> clusters = clusterIds == null ? java.util.Set.of() : clusterIds;
        if (site == null && wanted.isEmpty() && clusters.isEmpty() && seenBefore == null) {
            return List.of();
        }
        StringBuilder query = new StringBuilder("from NodeEntity where retired = false");
        if (site != null) {
            query.append(" and site = :site");
        }
        if (!clusters.isEmpty()) {
            query.append(" and clusterId in :clusters");
        }
        if (seenBefore != null) {
            query.append(" and ").append(NodeEntity.lastSeenIn("")).append(" < :seenBefore");
        }
        var select = entityManager.createQuery(query + " order by nodeId", NodeEntity.class);
        if (site != null) {
            select.setParameter("site", site);
        }
        if (seenBefore != null) {
            select.setParameter("seenBefore", seenBefore);
        }
        if (!clusters.isEmpty()) {
            select.setParameter("clusters", clusters);
        }
        List<String> ids = new ArrayList<>();
        for (NodeEntity node : select.getResultList()) {
            if (wanted.isEmpty() || hasLabels(node, wanted)) {
                ids.add(node.nodeId);
            }
        }
        return retire(ids, reason);
    }

    private boolean hasLabels(NodeEntity node, Map<String, String> wanted) {
        try {
            Map<String, String> labels =
                    mapper.readValue(node.facts, NodeFacts.class).labels();
            return labels != null
                    && wanted.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored facts of node " + LogSafe.of(node.nodeId) + " are unreadable", e);
        }
    }

    /**
     * The batch's known nodes, with the columns of their narrow rows as the entity maps them. A native statement with an
     * array parameter: a query language {@code in} list is translated to SQL again for every batch length
     * (docs/benchmarks.md, 2026-12-05 08:25).
     */
    @SuppressWarnings("unchecked")
    private Map<String, NodeEntity> load(List<String> ids) {
        Map<String, NodeEntity> known = new HashMap<>();
        for (int i = 0; i < ids.size(); i += LOOKUP_CHUNK) {
            List<String> chunk = ids.subList(i, Math.min(ids.size(), i + LOOKUP_CHUNK));
            ((List<NodeEntity>) entityManager
                            .createNativeQuery("""
                    select n.*, d.route, d.target_kind, d.target_id, d.degraded, d.plan_id, d.decision_state,
                        d.decision, d.decided_at, h.seen_at
                    from node n
                    left join latest_decision d on d.node_id = n.node_id
                    left join node_heartbeat h on h.node_id = n.node_id
                    where n.node_id = any(cast(:ids as varchar[]))""", NodeEntity.class)
                            .setParameter("ids", chunk.toArray(String[]::new))
                            .getResultList())
                    .forEach(n -> known.put(n.nodeId, n));
        }
        return known;
    }

    /**
     * Retired nodes registered again start afresh: PENDING, no decision nor plan, until the planner decides for them
     * again (their decision time stays, so a replayed older decision does not come back). One statement for the batch,
     * on {@code latest_decision}, the table only decisions and this write.
     */
    private void startAfresh(List<String> nodeIds) {
        if (nodeIds.isEmpty()) {
            return;
        }
        entityManager
                .createNativeQuery("""
                update latest_decision set route = null, target_kind = null, target_id = null, degraded = false,
                    plan_id = null, decision_state = 'PENDING', decision = null
                where node_id = any(cast(:ids as varchar[]))""")
                .setParameter("ids", nodeIds.toArray(String[]::new))
                .executeUpdate();
    }

    private void apply(NodeEntity node, NodeFacts facts, String json, Instant now) {
        node.hostname = facts.hostname();
        node.site = facts.site();
        node.deviceClass = facts.deviceClass().name();
        node.clusterId = facts.clusterId();
        node.osFamily = facts.os().family();
        node.osVersion = facts.os().version();
        node.mutability = facts.os().mutability().name();
        node.facts = json;
        node.factsHash = facts.factsHash();
        node.source = facts.source().name();
        node.observedAt = facts.observedAt();
        node.correlationId = facts.correlationId();
        node.retired = false;
        node.updatedAt = now;
        node.lastSeenAt = now;
    }

    private String toJson(NodeFacts facts) {
        try {
            return mapper.writeValueAsString(facts);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("facts of node " + facts.nodeId() + " cannot be stored", e);
        }
    }
}
