package dev.arcfleet.planner.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arcfleet.contracts.Capability;
import dev.arcfleet.contracts.Decision;
import dev.arcfleet.contracts.EventIds;
import dev.arcfleet.contracts.EventTypes;
import dev.arcfleet.contracts.NodeFacts;
import dev.arcfleet.contracts.NodeRetired;
import dev.arcfleet.contracts.OnboardingPlan;
import dev.arcfleet.contracts.PlanAction;
import dev.arcfleet.contracts.Route;
import dev.arcfleet.contracts.StatusEvent;
import dev.arcfleet.contracts.StatusType;
import dev.arcfleet.contracts.Target;
import dev.arcfleet.contracts.TargetKind;
import dev.arcfleet.contracts.Topics;
import dev.arcfleet.planner.config.PolicyProvider;
import dev.arcfleet.planner.decide.DecisionEngine;
import dev.arcfleet.planner.decide.Policy;
import dev.arcfleet.planner.rollout.RolloutGate;
import dev.arcfleet.support.log.LogSafe;
import dev.arcfleet.support.outbox.Outbox;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns node facts into decisions and plans. Unchanged facts under an unchanged policy produce nothing (replays are
 * free). The plan rules are {@link PlanBook}'s: this class loads the plans it needs as values, and writes the plans and
 * outbox events the book returns. Plans it will change are read locked (in plan id order), so a decision, an
 * operator's approval and executor progress of the same plan never overwrite one another.
 */
@ApplicationScoped
public class PlanningService {
    private final DecisionEngine engine;
    private final PolicyProvider policies;
    private final Outbox outbox;
    private final ObjectMapper mapper;
    private final RolloutGate rollouts;

    public PlanningService(
            DecisionEngine engine, PolicyProvider policies, Outbox outbox, ObjectMapper mapper, RolloutGate rollouts) {
        this.rollouts = rollouts;
        this.engine = engine;
        this.policies = policies;
        this.outbox = outbox;
        this.mapper = mapper;
    }

    /**
     * The rows a batch of node events will touch, read up front with one query each (the batch's node decisions, and
     * the plans whose target is one of its nodes or clusters) instead of one lookup per event. A row not found there is
     * known not to exist; lookups outside what was read go to the database as before.
     */
    public static final class Lookups {
        private final Map<String, NodeDecisionEntity> decisions = new HashMap<>();
        private final Set<String> nodesRead = new HashSet<>();
        private final Map<String, PlanEntity> plans = new HashMap<>();
        private final Set<String> targetsRead = new HashSet<>();

        NodeDecisionEntity decision(String nodeId) {
            return nodesRead.contains(nodeId) ? decisions.get(nodeId) : NodeDecisionEntity.findById(nodeId);
        }

        void add(NodeDecisionEntity decision) {
            decisions.put(decision.nodeId, decision);
        }

        PlanEntity plan(String planId, String targetId) {
            return targetsRead.contains(targetId) ? plans.get(planId) : PlanEntity.findById(planId);
        }

        void add(PlanEntity plan) {
            plans.put(plan.planId, plan);
        }
    }

    /**
     * Reads what a batch about these nodes (and their clusters) will look up. Native statements with an array
     * parameter: a query language {@code in} list is translated to SQL again for every batch (its length varies); with
     * that translation the lookups took 8.6 % of the planner's CPU, 1.3 % without (docs/benchmarks.md, 2026-12-05 08:25).
     */
    @Transactional(Transactional.TxType.MANDATORY)
    @SuppressWarnings("unchecked")
    public Lookups lookups(Collection<String> nodeIds, Collection<String> clusterIds) {
        Lookups lookups = new Lookups();
        EntityManager em = NodeDecisionEntity.getEntityManager();
        if (!nodeIds.isEmpty()) {
            ((List<NodeDecisionEntity>) em.createNativeQuery(
                                    "select * from node_decision where node_id = any(cast(:ids as varchar[]))",
                                    NodeDecisionEntity.class)
                            .setParameter("ids", nodeIds.toArray(String[]::new))
                            .getResultList())
                    .forEach(lookups::add);
            lookups.nodesRead.addAll(nodeIds);
        }
        Set<String> targets = new HashSet<>(nodeIds);
        targets.addAll(clusterIds);
        if (!targets.isEmpty()) {
            // locked in plan id order, as every writer of plans locks them
            ((List<PlanEntity>) em.createNativeQuery(
                                    "select * from plan where target_id = any(cast(:ids as varchar[]))"
                                            + " order by plan_id for update",
                                    PlanEntity.class)
                            .setParameter("ids", targets.toArray(String[]::new))
                            .getResultList())
                    .forEach(lookups::add);
            lookups.targetsRead.addAll(targets);
        }
        return lookups;
    }

    /** Decides for the node; returns the decision it published, or null when the outcome did not change. */
    @Transactional(Transactional.TxType.MANDATORY)
    public Decision onFacts(NodeFacts facts, String correlationId) {
        return onFacts(facts, null, correlationId, new Lookups());
    }

    /**
     * As {@link #onFacts(NodeFacts, String)}, with the batch's rows read up front. {@code factsJson} is the event's
     * value the facts were read from, stored as it came (writing the facts back to JSON cost the planner 4 % of its
     * CPU); null writes them anew.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Decision onFacts(NodeFacts facts, String factsJson, String correlationId, Lookups lookups) {
        Policy policy = policies.current();
        NodeDecisionEntity stored = lookups.decision(facts.nodeId());
        if (stored != null
                && !stored.retired
                && stored.factsHash.equals(facts.factsHash())
                && stored.policyVersion.equals(policy.version())) {
            Log.debugf(
                    "node %s unchanged (facts %s, policy %s): nothing to do",
                    LogSafe.of(facts.nodeId()), LogSafe.of(facts.factsHash()), policy.version());
            return null;
        }
        // PostgreSQL keeps microseconds (rounding), Instant.now() has nanoseconds: compare both at microseconds.
        Instant observed =
                facts.observedAt() == null ? null : facts.observedAt().truncatedTo(ChronoUnit.MICROS);
        Instant storedObserved =
                stored == null || stored.observedAt == null ? null : stored.observedAt.truncatedTo(ChronoUnit.MICROS);
        if (storedObserved != null && observed != null && observed.isBefore(storedObserved)) {
            Log.debugf(
                    "node %s: facts observed %s are older than those decided on (%s): ignored",
                    LogSafe.of(facts.nodeId()), facts.observedAt(), stored.observedAt);
            return null;
        }
        if (stored != null && stored.retired && observed != null && observed.equals(storedObserved)) {
            // the facts the node was retired with, seen again (a resend or a replay): registering the node again
            // gives it facts observed later
            Log.debugf("node %s: facts observed %s were retired: ignored", LogSafe.of(facts.nodeId()), observed);
            return null;
        }
        Instant now = Instant.now();
        Decision decided = engine.decide(facts, policy, now);
        String previousPlan = stored == null || stored.retired ? null : stored.planId;
        Decision previous = stored == null || stored.retired ? null : readDecision(stored.decision);
        Map<String, PlanBook.Plan> current = new HashMap<>();
        PlanBook.plansOf(decided).forEach((planId, target) -> {
            PlanEntity plan = lookups.plan(planId, target.id());
            if (plan != null) {
                current.put(planId, toPlan(plan));
            }
        });
        if (previousPlan != null && !current.containsKey(previousPlan)) {
            PlanEntity plan = PlanEntity.findById(previousPlan);
            if (plan != null) {
                current.put(previousPlan, toPlan(plan));
            }
        }
        PlanBook.Changes changes = PlanBook.decide(
                decided,
                facts,
                previousPlan,
                current,
                policy.approvalRules(),
                now,
                rollouts.held(p -> List.of(facts.labels() == null ? Map.of() : facts.labels())),
                policy.azureTargetFor(facts));
        Decision decision = changes.decision();
        write(changes, correlationId, true, now, lookups);
        boolean known = stored != null;
        if (!known) {
            stored = new NodeDecisionEntity();
            stored.nodeId = facts.nodeId();
        }
        stored.clusterId = facts.clusterId();
        stored.facts = factsJson != null ? factsJson : json(facts);
        stored.factsHash = facts.factsHash();
        stored.observedAt = observed;
        stored.policyVersion = policy.version();
        stored.route = decision.route().name();
        stored.targetKind = decision.target().kind().name();
        stored.targetId = decision.target().id();
        stored.planId = decision.planId();
        stored.decision = json(decision);
        stored.decidedAt = now;
        stored.retired = false;
        if (!known) {
            stored.persist();
            lookups.add(stored);
        }
        notify(changes, correlationId);
        if (previous != null && sameOutcome(previous, decision)) {
            // New facts or policy, same judgement: the node keeps its state (a SUCCEEDED node does not go back to
            // PLANNED).
            Log.debugf("node %s re-decided under policy %s: unchanged", LogSafe.of(facts.nodeId()), policy.version());
            return null;
        }
        publishDecision(decision, correlationId, now);
        Log.debugf(
                "node %s -> %s %s %s (plan %s, policy %s) correlation %s",
                LogSafe.of(facts.nodeId()),
                decision.route(),
                decision.target().kind(),
                LogSafe.of(decision.target().id()),
                decision.planId(),
                policy.version(),
                LogSafe.of(correlationId));
        return decision;
    }

    /**
     * Retires the node's decision and offboards what it leaves. A retirement retires the facts it names
     * ({@link NodeRetired#factsObservedAt()}): once the node has later facts (it was registered again) it changes
     * nothing, so a resend or a replay of it does not retire the node a second time. One that names none (written
     * before the field) retires facts observed no later than it occurred.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void onRetired(NodeRetired retired) {
        NodeDecisionEntity stored = NodeDecisionEntity.findById(retired.nodeId());
        if (stored == null || stored.retired) {
            return;
        }
        if (!retires(retired, stored.observedAt)) {
            Log.debugf(
                    "node %s: retirement %s is of facts older than those decided on (%s): ignored",
                    LogSafe.of(retired.nodeId()), retired.eventId(), stored.observedAt);
            return;
        }
        stored.retired = true;
        // the cluster's last active node takes the cluster's plans with it
        String clusterId = stored.clusterId;
        boolean lastOfCluster = clusterId != null
                && NodeDecisionEntity.count(
                                "clusterId = ?1 and retired = false and nodeId <> ?2", clusterId, stored.nodeId)
                        == 0;
        Set<String> planIds = new java.util.TreeSet<>();
        if (stored.planId != null) {
            planIds.add(stored.planId);
        }
        if (lastOfCluster) {
            Target cluster = new Target(TargetKind.CLUSTER, clusterId);
            planIds.add(PlanIds.planId(Route.ARC_K8S, cluster));
            planIds.add(PlanIds.planId(Route.IOT_OPERATIONS, cluster));
        }
        Map<String, PlanBook.Plan> current = new HashMap<>();
        Lookups lookups = new Lookups();
        if (!planIds.isEmpty()) {
            for (PlanEntity plan : PlanEntity.<PlanEntity>find("planId in ?1 order by planId", planIds)
                    .withLock(LockModeType.PESSIMISTIC_WRITE)
                    .list()) {
                current.put(plan.planId, toPlan(plan));
                lookups.add(plan);
            }
        }
        Policy policy = policies.current();
        Instant now = Instant.now();
        PlanBook.Changes changes = PlanBook.retire(
                retired.nodeId(),
                stored.planId,
                current,
                clusterId,
                lastOfCluster,
                readFacts(stored.facts),
                policy.approvalRules(),
                now);
        for (PlanBook.Publication offboarding : changes.publications()) {
            Log.infof(
                    "node %s retired (%s): offboarding %s plan %s",
                    LogSafe.of(retired.nodeId()),
                    LogSafe.of(retired.reason()),
                    offboarding.plan().route(),
                    offboarding.plan().planId());
        }
        write(changes, retired.correlationId(), true, now, lookups);
        notify(changes, retired.correlationId());
    }

    /** Whether the retirement is of the facts observed at {@code observedAt} (or later ones), the node's stored ones. */
    static boolean retires(NodeRetired retired, Instant observedAt) {
        if (observedAt == null) {
            return true;
        }
        Instant stored = observedAt.truncatedTo(ChronoUnit.MICROS);
        if (retired.factsObservedAt() != null) {
            return !retired.factsObservedAt().truncatedTo(ChronoUnit.MICROS).isBefore(stored);
        }
        return retired.occurredAt() == null
                || !retired.occurredAt().truncatedTo(ChronoUnit.MICROS).isBefore(stored);
    }

    private NodeFacts readFacts(String json) {
        try {
            return mapper.readValue(json, NodeFacts.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored facts are unreadable", e);
        }
    }

    /**
     * Executor progress of the planner's own plans: releases IoT Operations plans once their Arc plan succeeded, and an
     * Arc plan's offboarding once its IoT Operations plan was offboarded. False when the event is of a revision the
     * plan has left (it changed nothing and counts for no rollout either).
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean onStatus(StatusEvent event) {
        if (event.planId() == null || event.nodeId() != null) {
            return true;
        }
        // the plan and the plans waiting for it, locked in plan id order (as every writer of plans locks them)
        List<PlanEntity> locked = PlanEntity.<PlanEntity>find(
                        "planId = ?1 or (dependsOn = ?1 and state = ?2) order by planId",
                        event.planId(),
                        PlanState.WAITING)
                .withLock(LockModeType.PESSIMISTIC_WRITE)
                .list();
        PlanEntity entity = locked.stream()
                .filter(p -> p.planId.equals(event.planId()))
                .findFirst()
                .orElse(null);
        if (entity == null) {
            return true;
        }
        PlanBook.Plan plan = toPlan(entity);
        if (!PlanBook.ofCurrentRevision(plan, event.revision())) {
            Log.debugf(
                    "plan %s: %s of revision %s ignored, the plan is at revision %s",
                    plan.planId(), event.type(), LogSafe.of(event.revision()), plan.publishedRevision());
            return false;
        }
        List<PlanBook.Plan> dependents = !PlanBook.actsOnDependents(plan, event.type())
                ? List.of()
                : locked.stream().filter(p -> p != entity).map(this::toPlan).toList();
        PlanBook.Changes changes = PlanBook.onStatus(
                plan,
                event.revision(),
                event.type(),
                event.sequence(),
                event.detail(),
                dependents,
                rollouts.held(this::nodeLabels));
        for (PlanBook.Publication released : changes.publications()) {
            Log.infof(
                    "%s plan %s %s: releasing %s plan %s",
                    plan.route(),
                    plan.planId(),
                    event.type(),
                    released.plan().route(),
                    released.plan().planId());
        }
        write(changes, event.correlationId(), false, Instant.now(), new Lookups());
        notify(changes, event.correlationId());
        return true;
    }

    /** Why an operator's approval or rejection of one plan changed nothing. */
    public static final class NotApplicable extends RuntimeException {
        public NotApplicable(String message) {
            super(message);
        }
    }

    /**
     * The plans, newest first: of one state, site (its site parameter), route and action (of the current revision) when
     * given; at most {@code limit}.
     */
    @Transactional
    public List<PlanEntity> plans(PlanState state, String site, Route route, PlanAction action, int limit) {
        StringBuilder query = new StringBuilder("1 = 1");
        List<Object> params = new ArrayList<>();
        if (state != null) {
            params.add(state);
            query.append(" and state = ?").append(params.size());
        }
        if (route != null) {
            params.add(route.name());
            query.append(" and route = ?").append(params.size());
        }
        if (action != null) {
            params.add("%" + PlanIds.OFFBOARD);
            query.append(action == PlanAction.OFFBOARD ? " and revision like ?" : " and revision not like ?")
                    .append(params.size());
        }
        query.append(" order by updatedAt desc, planId");
        if (site == null) {
            return PlanEntity.<PlanEntity>find(query.toString(), params.toArray())
                    .page(0, limit)
                    .list();
        }
        // the site is a parameter inside the plan's JSON: filtered here, over rows streamed rather than all held
        try (java.util.stream.Stream<PlanEntity> plans = PlanEntity.stream(query.toString(), params.toArray())) {
            return plans.filter(plan -> site.equals(readMap(plan.parameters).get("site")))
                    .limit(limit)
                    .toList();
        }
    }

    /** The plan with this id, or null. */
    @Transactional
    public PlanEntity plan(String planId) {
        return PlanEntity.findById(planId);
    }

    /**
     * {@code by} (the caller's identity) approves the plan's current revision: it is published (or waits for its
     * dependency). Null when there is no such plan; NotApplicable when it neither awaits approval nor was rejected.
     */
    @Transactional
    public PlanEntity approve(String planId, String by) {
        PlanEntity entity = PlanEntity.findById(planId, LockModeType.PESSIMISTIC_WRITE);
        if (entity == null) {
            return null;
        }
        PlanBook.Plan plan = toPlan(entity);
        if (!PlanBook.approvable(plan)) {
            throw new NotApplicable("plan " + planId + " is " + plan.state() + ": only a plan AWAITING_APPROVAL or"
                    + " REJECTED can be approved");
        }
        apply(PlanBook.approve(plan, by, Instant.now(), dependency(plan), rollouts.held(this::nodeLabels)), entity);
        Log.infof("plan %s revision %s approved by %s", planId, plan.revision(), LogSafe.of(by));
        return entity;
    }

    /** {@code by} rejects the plan's current revision for {@code reason}; null and NotApplicable as for approve. */
    @Transactional
    public PlanEntity reject(String planId, String by, String reason) {
        PlanEntity entity = PlanEntity.findById(planId, LockModeType.PESSIMISTIC_WRITE);
        if (entity == null) {
            return null;
        }
        PlanBook.Plan plan = toPlan(entity);
        if (!PlanBook.rejectable(plan)) {
            throw new NotApplicable("plan " + planId + " is " + plan.state() + ": only a plan AWAITING_APPROVAL or"
                    + " WAITING (approved, not published yet) can be rejected");
        }
        apply(PlanBook.reject(plan, by, Instant.now(), reason), entity);
        Log.infof("plan %s revision %s rejected by %s", planId, plan.revision(), LogSafe.of(by));
        return entity;
    }

    /**
     * {@code by} approves every plan AWAITING_APPROVAL that the selector selects (a rejected plan is approved one by
     * one); returns the plans approved, in plan id order.
     */
    @Transactional
    public List<PlanEntity> approveAll(PlanBook.Selector selector, String by) {
        StringBuilder query = new StringBuilder("state = ?1");
        List<Object> params = new ArrayList<>(List.of(PlanState.AWAITING_APPROVAL));
        if (selector.route() != null) {
            params.add(selector.route().name());
            query.append(" and route = ?").append(params.size());
        }
        List<PlanEntity> candidates = PlanEntity.<PlanEntity>find(query + " order by planId", params.toArray())
                .withLock(LockModeType.PESSIMISTIC_WRITE)
                .list();
        Instant now = Instant.now();
        java.util.function.Predicate<PlanBook.Plan> held = rollouts.held(this::nodeLabels);
        List<PlanEntity> approved = new ArrayList<>();
        for (PlanEntity entity : candidates) {
            PlanBook.Plan plan = toPlan(entity);
            List<Map<String, String>> labels = selector.labels().isEmpty() ? List.of() : nodeLabels(plan);
            if (selector.selects(plan, labels)) {
                apply(PlanBook.approve(plan, by, now, dependency(plan), held), entity);
                approved.add(entity);
            }
        }
        Log.infof("%d plans approved by %s at once", approved.size(), LogSafe.of(by));
        return approved;
    }

    /** The plans a rollout holds (AWAITING_ROLLOUT), in plan id order. */
    @Transactional(Transactional.TxType.MANDATORY)
    public List<PlanBook.Plan> heldPlans() {
        return PlanEntity.<PlanEntity>list("state = ?1 order by planId", PlanState.AWAITING_ROLLOUT).stream()
                .map(this::toPlan)
                .toList();
    }

    /**
     * A rollout releases these held plans (locked in plan id order): each is published through the outbox as approval
     * publishes it, or waits for its dependency. Returns the ids of those it released; a plan no longer held is not.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Set<String> releaseHeld(Collection<String> planIds, String correlationId) {
        Set<String> released = new HashSet<>();
        if (planIds.isEmpty()) {
            return released;
        }
        List<PlanEntity> locked = PlanEntity.<PlanEntity>find("planId in ?1 order by planId", planIds)
                .withLock(LockModeType.PESSIMISTIC_WRITE)
                .list();
        for (PlanEntity entity : locked) {
            PlanBook.Plan plan = toPlan(entity);
            if (plan.state() == PlanState.AWAITING_ROLLOUT) {
                PlanBook.Changes changes = PlanBook.releaseFromRollout(plan, dependency(plan));
                Lookups lookups = new Lookups();
                lookups.add(entity);
                lookups.targetsRead.add(entity.targetId);
                write(changes, correlationId, false, Instant.now(), lookups);
                released.add(plan.planId());
            }
        }
        return released;
    }

    /** The labels of the plan's nodes: those deciding for it, and for a cluster plan the cluster's nodes. */
    public List<Map<String, String>> nodeLabels(PlanBook.Plan plan) {
        List<NodeDecisionEntity> nodes = plan.target().kind() == TargetKind.CLUSTER
                ? NodeDecisionEntity.list(
                        "retired = false and (planId = ?1 or clusterId = ?2)",
                        plan.planId(),
                        plan.target().id())
                : NodeDecisionEntity.list("retired = false and planId = ?1", plan.planId());
        List<Map<String, String>> labels = new ArrayList<>();
        for (NodeDecisionEntity node : nodes) {
            try {
                NodeFacts facts = mapper.readValue(node.facts, NodeFacts.class);
                labels.add(facts.labels() == null ? Map.of() : facts.labels());
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(
                        "stored facts of node " + LogSafe.of(node.nodeId) + " are unreadable", e);
            }
        }
        return labels;
    }

    private PlanBook.Plan dependency(PlanBook.Plan plan) {
        if (plan.dependsOn() == null) {
            return null;
        }
        PlanEntity dependency = PlanEntity.findById(plan.dependsOn());
        return dependency == null ? null : toPlan(dependency);
    }

    /** Writes what the book returned for one plan already read ({@code entity}): the plan, its publication, its notices. */
    private void apply(PlanBook.Changes changes, PlanEntity entity) {
        Lookups lookups = new Lookups();
        lookups.add(entity);
        lookups.targetsRead.add(entity.targetId);
        write(changes, entity.correlationId, false, Instant.now(), lookups);
        notify(changes, entity.correlationId);
    }

    /** The plan as the book sees it. */
    public PlanBook.Plan asPlan(PlanEntity entity) {
        return toPlan(entity);
    }

    /** Writes a plan the book changed into its row (the row's own fields, such as the hand-off kit, stay). */
    public void copy(PlanBook.Plan plan, PlanEntity entity, Instant now) {
        entity.route = plan.route().name();
        entity.targetKind = plan.target().kind().name();
        entity.targetId = plan.target().id();
        entity.capabilities = plan.capabilities().stream().map(Enum::name).collect(Collectors.joining(","));
        entity.parameters = json(plan.parameters());
        entity.dependsOn = plan.dependsOn();
        entity.policyVersion = plan.policyVersion();
        entity.revision = plan.revision();
        entity.publishedRevision = plan.publishedRevision();
        entity.state = plan.state();
        entity.executionState = plan.executionState();
        entity.executionSequence = plan.executionSequence();
        entity.executionDetail = plan.executionDetail();
        entity.members = plan.members();
        PlanBook.Approval approval = plan.approval();
        entity.approvalState = approval == null ? null : approval.approved() ? "APPROVED" : "REJECTED";
        entity.approvalRevision = approval == null ? null : approval.revision();
        entity.approvalBy = approval == null ? null : approval.by();
        entity.approvalAt = approval == null ? null : approval.at();
        entity.approvalReason = approval == null ? null : approval.reason();
        entity.updatedAt = now;
    }

    /**
     * Writes the plans the book touched (stamped with the correlation id when {@code stamp}), then its approval events
     * and the plans it published to the outbox, in its order.
     */
    private void write(PlanBook.Changes changes, String correlationId, boolean stamp, Instant now, Lookups lookups) {
        for (PlanBook.Plan plan : changes.plans()) {
            PlanEntity entity = lookups.plan(plan.planId(), plan.target().id());
            boolean known = entity != null;
            if (!known) {
                entity = new PlanEntity();
                entity.planId = plan.planId();
                entity.createdAt = now;
            }
            copy(plan, entity, now);
            if (stamp) {
                entity.correlationId = correlationId;
            }
            if (!known) {
                entity.persist();
                lookups.add(entity);
            }
        }
        for (PlanBook.Notice approval : changes.approvals()) {
            publishPlanStatus(approval.plan(), approval.type(), approval.detail(), approval.actor(), correlationId);
        }
        for (PlanBook.Publication publication : changes.publications()) {
            publishPlan(publication.plan(), publication.nodeIds(), correlationId);
        }
    }

    /** The plans' own status events: SUPERSEDED, FAILED dependents. */
    private void notify(PlanBook.Changes changes, String correlationId) {
        for (PlanBook.Notice notice : changes.notices()) {
            publishPlanStatus(notice.plan(), notice.type(), notice.detail(), notice.actor(), correlationId);
        }
    }

    private PlanBook.Plan toPlan(PlanEntity e) {
        PlanBook.Approval approval = e.approvalState == null
                ? null
                : new PlanBook.Approval(
                        "APPROVED".equals(e.approvalState),
                        e.approvalRevision,
                        e.approvalBy,
                        e.approvalAt,
                        e.approvalReason);
        return new PlanBook.Plan(
                e.planId,
                Route.valueOf(e.route),
                new Target(TargetKind.valueOf(e.targetKind), e.targetId),
                parseCapabilities(e.capabilities),
                readMap(e.parameters),
                e.dependsOn,
                e.policyVersion,
                e.revision,
                e.publishedRevision,
                e.state,
                e.executionState,
                e.executionSequence,
                e.executionDetail,
                e.members,
                approval);
    }

    private void publishPlan(PlanBook.Plan plan, List<String> nodeIds, String correlationId) {
        OnboardingPlan event = new OnboardingPlan(
                EventIds.next(),
                correlationId,
                Instant.now(),
                plan.planId(),
                plan.revision(),
                plan.route(),
                plan.target(),
                nodeIds,
                List.copyOf(plan.capabilities()),
                plan.dependsOn() == null ? List.of() : List.of(plan.dependsOn()),
                null,
                plan.policyVersion(),
                PlanBook.executorParameters(plan));
        event = event.withAzureTarget(PlanBook.azureTargetOf(plan));
        if (PlanIds.offboarding(plan.revision())) {
            event = event.toOffboard(event.eventId(), plan.revision(), event.occurredAt());
        }
        outbox.publish(
                Topics.planTopic(event.route()),
                plan.target().id(),
                EventTypes.PLAN_CREATED,
                event.eventId(),
                correlationId,
                event);
        Log.debugf(
                "published %s plan %s revision %s for %s correlation %s",
                plan.route(),
                plan.planId(),
                plan.revision(),
                LogSafe.of(plan.target().id()),
                LogSafe.of(correlationId));
    }

    private void publishDecision(Decision d, String correlationId, Instant now) {
        StatusType type = d.route() == Route.BLOCKED ? StatusType.BLOCKED : StatusType.PLANNED;
        String detail = d.rationale() == null || d.rationale().isEmpty()
                ? d.route().name()
                : d.rationale().get(d.rationale().size() - 1);
        StatusEvent event = new StatusEvent(
                EventIds.next(),
                correlationId,
                now,
                type,
                d.nodeId(),
                d.planId(),
                d.route(),
                d.target(),
                null,
                null,
                0,
                detail,
                d);
        outbox.publish(Topics.STATUS, d.nodeId(), EventTypes.STATUS, event.eventId(), correlationId, event);
    }

    private void publishPlanStatus(
            PlanBook.Plan plan, StatusType type, String detail, String actor, String correlationId) {
        StatusEvent event = new StatusEvent(
                EventIds.next(),
                correlationId,
                Instant.now(),
                type,
                null,
                plan.planId(),
                plan.route(),
                plan.target(),
                null,
                null,
                0,
                detail,
                null,
                actor);
        outbox.publish(Topics.STATUS, plan.target().id(), EventTypes.STATUS, event.eventId(), correlationId, event);
    }

    /** Same route, target, degradation, reasons, capabilities and plan: nothing for anyone downstream to do. */
    static boolean sameOutcome(Decision a, Decision b) {
        return a.route() == b.route()
                && Objects.equals(a.target(), b.target())
                && a.degraded() == b.degraded()
                && Objects.equals(a.reasons(), b.reasons())
                && Objects.equals(a.planId(), b.planId())
                && Objects.equals(a.dependsOn(), b.dependsOn())
                && toSet(a.capabilities().provided())
                        .equals(toSet(b.capabilities().provided()))
                && toSet(a.capabilities().missing())
                        .equals(toSet(b.capabilities().missing()));
    }

    private Decision readDecision(String json) {
        try {
            return mapper.readValue(json, Decision.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored decision is not readable", e);
        }
    }

    private static Set<Capability> toSet(List<Capability> list) {
        return list == null || list.isEmpty() ? EnumSet.noneOf(Capability.class) : EnumSet.copyOf(list);
    }

    private static Set<Capability> parseCapabilities(String csv) {
        Set<Capability> set = EnumSet.noneOf(Capability.class);
        if (csv != null && !csv.isBlank()) {
            Arrays.stream(csv.split(","))
                    .map(String::trim)
                    .map(Capability::valueOf)
                    .forEach(set::add);
        }
        return set;
    }

    private Map<String, String> readMap(String json) {
        try {
            return new LinkedHashMap<>(mapper.readValue(json, new TypeReference<Map<String, String>>() {}));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored plan parameters are not readable", e);
        }
    }

    private String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(value.getClass().getSimpleName() + " cannot be written as JSON", e);
        }
    }

    /** For tests and what-if: the decisions stored for every node the planner knows. */
    public List<NodeDecisionEntity> knownNodes() {
        return new ArrayList<>(NodeDecisionEntity.<NodeDecisionEntity>list("retired = false"));
    }
}
