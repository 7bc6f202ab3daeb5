package dev.arcfleet.planner.preview;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arcfleet.contracts.Capability;
import dev.arcfleet.contracts.Decision;
import dev.arcfleet.contracts.NodeFacts;
import dev.arcfleet.contracts.Target;
import dev.arcfleet.planner.config.PolicyProvider;
import dev.arcfleet.planner.decide.DecisionEngine;
import dev.arcfleet.planner.decide.Policy;
import dev.arcfleet.planner.plan.NodeDecisionEntity;
import dev.arcfleet.planner.plan.PlanBook;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Decisions without side effects: {@link #preview} decides given facts under the policy in force, with the plan ids
 * the planner would attach ({@link PlanBook#withPlanIds}); {@link #whatIf} decides every node the planner knows again,
 * from the facts it stored, under a proposed policy, and reports what would change. Neither writes to the database or
 * publishes anything.
 */
@ApplicationScoped
public class PreviewService {
    static final int PAGE = 1000;

    private final DecisionEngine engine;
    private final PolicyProvider policies;
    private final ObjectMapper mapper;
    private final EntityManager entityManager;

    public PreviewService(
            DecisionEngine engine, PolicyProvider policies, ObjectMapper mapper, EntityManager entityManager) {
        this.engine = engine;
        this.policies = policies;
        this.mapper = mapper;
        this.entityManager = entityManager;
    }

    public List<Decision> preview(List<NodeFacts> facts) {
        Policy policy = policies.current();
        Instant now = Instant.now();
        return facts.stream()
                .map(f -> PlanBook.withPlanIds(engine.decide(f, policy, now)))
                .toList();
    }

    /** How many nodes a what-if would decide again: the known, not retired ones. */
    @Transactional
    public long knownNodes() {
        return entityManager
                .createQuery("select count(n) from NodeDecisionEntity n where n.retired = false", Long.class)
                .getSingleResult();
    }

    /** One node whose decision would change. */
    public record Change(String nodeId, Outcome from, Outcome to, List<String> rationale) {}

    public record Outcome(
            String route, Target target, boolean degraded, List<Capability> missing, List<String> reasons) {
        static Outcome of(Decision d) {
            return new Outcome(
                    d.route().name(),
                    d.target(),
                    d.degraded(),
                    d.capabilities() == null ? List.of() : d.capabilities().missing(),
                    d.reasons());
        }
    }

    public record Transition(String from, String to, int nodes) {}

    public record WhatIf(
            String currentPolicy,
            String proposedPolicy,
            int nodes,
            int changed,
            int routeChanged,
            List<Transition> transitions,
            List<Change> changes,
            boolean truncated) {}

    /**
     * Every known (not retired) node decided again under {@code proposed}, compared with its stored decision: route,
     * target, degradation, missing capabilities and reasons. {@code transitions} counts changed nodes by from-route and
     * to-route (the same route when only degradation or capabilities change); {@code changes} lists up to
     * {@code limit} nodes.
     */
    @Transactional
    public WhatIf whatIf(Policy proposed, int limit) {
        Instant now = Instant.now();
        Map<String, Integer> transitions = new TreeMap<>();
        List<Change> changes = new ArrayList<>();
        int nodes = 0;
        int changed = 0;
        int routeChanged = 0;
        String after = "";
        while (true) {
            List<NodeDecisionEntity> page = entityManager
                    .createQuery(
                            "from NodeDecisionEntity where retired = false and nodeId > :after order by nodeId",
                            NodeDecisionEntity.class)
                    .setParameter("after", after)
                    .setMaxResults(PAGE)
                    .getResultList();
            if (page.isEmpty()) {
                break;
            }
            for (NodeDecisionEntity row : page) {
                nodes++;
                Decision current = read(row.decision, Decision.class);
                Decision next = engine.decide(read(row.facts, NodeFacts.class), proposed, now);
                Outcome from = Outcome.of(current);
                Outcome to = Outcome.of(next);
                if (sameOutcome(from, to)) {
                    continue;
                }
                changed++;
                if (!from.route().equals(to.route())) {
                    routeChanged++;
                }
                transitions.merge(from.route() + "->" + to.route(), 1, Integer::sum);
                if (changes.size() < limit) {
                    changes.add(new Change(row.nodeId, from, to, next.rationale()));
                }
            }
            after = page.get(page.size() - 1).nodeId;
            entityManager.clear();
        }
        List<Transition> byRoute = transitions.entrySet().stream()
                .map(e -> {
                    String[] parts = e.getKey().split("->");
                    return new Transition(parts[0], parts[1], e.getValue());
                })
                .sorted((a, b) -> Integer.compare(b.nodes(), a.nodes()))
                .toList();
        return new WhatIf(
                policies.current().version(),
                proposed.version(),
                nodes,
                changed,
                routeChanged,
                byRoute,
                changes,
                changed > changes.size());
    }

    private static boolean sameOutcome(Outcome a, Outcome b) {
        return a.route().equals(b.route())
                && Objects.equals(a.target(), b.target())
                && a.degraded() == b.degraded()
                && Objects.equals(new java.util.HashSet<>(a.missing()), new java.util.HashSet<>(b.missing()))
                && Objects.equals(a.reasons(), b.reasons());
    }

    private <T> T read(String json, Class<T> type) {
        try {
            return mapper.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored " + type.getSimpleName() + " is not readable", e);
        }
    }
}
