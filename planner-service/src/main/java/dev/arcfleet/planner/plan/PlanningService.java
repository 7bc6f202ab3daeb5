package dev.arcfleet.planner.plan;

import dev.arcfleet.support.log.LogSafe;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arcfleet.contracts.Capability;
import dev.arcfleet.contracts.Decision;
import dev.arcfleet.contracts.EventTypes;
import dev.arcfleet.contracts.NodeFacts;
import dev.arcfleet.contracts.NodeRetired;
import dev.arcfleet.contracts.OnboardingPlan;
import dev.arcfleet.contracts.Route;
import dev.arcfleet.contracts.StatusEvent;
import dev.arcfleet.contracts.StatusType;
import dev.arcfleet.contracts.Target;
import dev.arcfleet.contracts.TargetKind;
import dev.arcfleet.contracts.Topics;
import dev.arcfleet.planner.config.PolicyProvider;
import dev.arcfleet.planner.decide.DecisionEngine;
import dev.arcfleet.planner.decide.Policy;
import dev.arcfleet.planner.handoff.HandoffKit;
import dev.arcfleet.support.outbox.Outbox;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Collection;
import java.util.HashSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Turns node facts into decisions and plans. Unchanged facts under an unchanged policy produce nothing (replays are
 * free); a plan is published once per revision; an IoT Operations plan waits for its cluster's Arc plan to succeed.
 */
@ApplicationScoped
public class PlanningService {
    /** Capabilities a cluster plan turns into extensions; what ARC_K8S gives of a node's needs. */
    /**
     * What a cluster's Arc plan carries of a decision's capabilities. EDGE_DATA is there when IoT Operations will run on
     * the cluster: the cluster is then connected with an OIDC issuer, workload identity and custom locations, which
     * IoT Operations needs (docs/azure-contract.md, "IoT Operations").
     */
    static final Set<Capability> CLUSTER_PLAN_CAPABILITIES = EnumSet.of(Capability.POLICY, Capability.GITOPS,
            Capability.MONITOR, Capability.DEFENDER, Capability.INVENTORY, Capability.EDGE_DATA);

    private final DecisionEngine engine;
    private final PolicyProvider policies;
    private final Outbox outbox;
    private final ObjectMapper mapper;

    public PlanningService(DecisionEngine engine, PolicyProvider policies, Outbox outbox, ObjectMapper mapper) {
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

    /** Reads what a batch about these nodes (and their clusters) will look up. */
    @Transactional(Transactional.TxType.MANDATORY)
    public Lookups lookups(Collection<String> nodeIds, Collection<String> clusterIds) {
        Lookups lookups = new Lookups();
        if (!nodeIds.isEmpty()) {
            NodeDecisionEntity.<NodeDecisionEntity>list("nodeId in ?1", nodeIds).forEach(lookups::add);
            lookups.nodesRead.addAll(nodeIds);
        }
        Set<String> targets = new HashSet<>(nodeIds);
        targets.addAll(clusterIds);
        if (!targets.isEmpty()) {
            PlanEntity.<PlanEntity>list("targetId in ?1", targets).forEach(lookups::add);
            lookups.targetsRead.addAll(targets);
        }
        return lookups;
    }

    /** Decides for the node; returns the decision it published, or null when the outcome did not change. */
    @Transactional(Transactional.TxType.MANDATORY)
    public Decision onFacts(NodeFacts facts, String correlationId) {
        return onFacts(facts, correlationId, new Lookups());
    }

    /** As {@link #onFacts(NodeFacts, String)}, with the batch's rows read up front. */
    @Transactional(Transactional.TxType.MANDATORY)
    public Decision onFacts(NodeFacts facts, String correlationId, Lookups lookups) {
        Policy policy = policies.current();
        NodeDecisionEntity stored = lookups.decision(facts.nodeId());
        if (stored != null && !stored.retired && stored.factsHash.equals(facts.factsHash())
                && stored.policyVersion.equals(policy.version())) {
            Log.debugf("node %s unchanged (facts %s, policy %s): nothing to do", LogSafe.of(facts.nodeId()),
                    LogSafe.of(facts.factsHash()),
                    policy.version());
            return null;
        }
        // PostgreSQL keeps microseconds (rounding), Instant.now() has nanoseconds: compare both at microseconds.
        Instant observed = facts.observedAt() == null ? null : facts.observedAt().truncatedTo(ChronoUnit.MICROS);
        if (stored != null && stored.observedAt != null && observed != null
                && observed.isBefore(stored.observedAt.truncatedTo(ChronoUnit.MICROS))) {
            Log.debugf("node %s: facts observed %s are older than those decided on (%s): ignored", LogSafe.of(facts.nodeId()),
                    facts.observedAt(), stored.observedAt);
            return null;
        }
        Instant now = Instant.now();
        Decision decision = attachPlan(engine.decide(facts, policy, now), facts, policy, correlationId, now, lookups);
        String previousPlan = stored == null || stored.retired ? null : stored.planId;
        Decision previous = stored == null || stored.retired ? null : readDecision(stored.decision);
        boolean known = stored != null;
        if (!known) {
            stored = new NodeDecisionEntity();
            stored.nodeId = facts.nodeId();
        }
        stored.clusterId = facts.clusterId();
        stored.facts = json(facts);
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
        moveMembership(previousPlan, decision.planId(), correlationId, now);
        if (previous != null && sameOutcome(previous, decision)) {
            // New facts or policy, same judgement: the node keeps its state (a SUCCEEDED node does not go back to PLANNED).
            Log.debugf("node %s re-decided under policy %s: unchanged", LogSafe.of(facts.nodeId()), policy.version());
            return null;
        }
        publishDecision(decision, correlationId, now);
        Log.debugf("node %s -> %s %s %s (plan %s, policy %s) correlation %s", LogSafe.of(facts.nodeId()), decision.route(),
                decision.target().kind(), LogSafe.of(decision.target().id()), decision.planId(), policy.version(),
                LogSafe.of(correlationId));
        return decision;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void onRetired(NodeRetired retired) {
        NodeDecisionEntity stored = NodeDecisionEntity.findById(retired.nodeId());
        if (stored == null || stored.retired) {
            return;
        }
        stored.retired = true;
        moveMembership(stored.planId, null, retired.correlationId(), Instant.now());
    }

    /** Executor progress of the planner's own plans: releases IoT Operations plans once their Arc plan succeeded. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void onStatus(StatusEvent event) {
        if (event.planId() == null || event.nodeId() != null) {
            return;
        }
        PlanEntity plan = PlanEntity.findById(event.planId());
        if (plan == null || event.sequence() <= plan.executionSequence) {
            return;
        }
        switch (event.type()) {
            case STARTED, STEP_SUCCEEDED, RETRYING -> plan.executionState = "IN_PROGRESS";
            case SUCCEEDED -> plan.executionState = "SUCCEEDED";
            case FAILED -> plan.executionState = "FAILED";
            default -> {
                return;
            }
        }
        plan.executionSequence = event.sequence();
        plan.executionDetail = event.detail();
        plan.updatedAt = Instant.now();
        if (Route.ARC_K8S.name().equals(plan.route) && event.type() == StatusType.SUCCEEDED) {
            for (PlanEntity dependent : PlanEntity.<PlanEntity>list("dependsOn = ?1 and state = ?2", plan.planId,
                    PlanState.WAITING)) {
                Log.infof("Arc plan %s succeeded: releasing %s plan %s", plan.planId, dependent.route, dependent.planId);
                publishPlan(dependent, List.of(), event.correlationId());
            }
        } else if (Route.ARC_K8S.name().equals(plan.route) && event.type() == StatusType.FAILED) {
            for (PlanEntity dependent : PlanEntity.<PlanEntity>list("dependsOn = ?1 and state = ?2", plan.planId,
                    PlanState.WAITING)) {
                String reason = "waits for the Arc-enabled Kubernetes plan " + plan.planId + " of cluster " + plan.targetId
                        + ", which failed: " + event.detail() + "; it starts once that plan succeeds";
                publishPlanStatus(dependent, StatusType.FAILED, reason, event.correlationId());
            }
        }
    }

    private Decision attachPlan(Decision d, NodeFacts facts, Policy policy, String correlationId, Instant now,
            Lookups lookups) {
        Route route = d.route();
        if (route == Route.BLOCKED) {
            return with(d, null, List.of());
        }
        Set<Capability> provided = d.capabilities() == null ? Set.of() : toSet(d.capabilities().provided());
        if (route == Route.ARC_K8S) {
            PlanEntity arc = ensurePlan(Route.ARC_K8S, d.target(), clusterCapabilities(provided),
                    clusterParameters(facts), null, policy, correlationId, facts.nodeId(), now, lookups);
            return with(d, arc.planId, List.of());
        }
        if (route == Route.IOT_OPERATIONS) {
            Target cluster = new Target(TargetKind.CLUSTER, facts.clusterId());
            PlanEntity arc = ensurePlan(Route.ARC_K8S, cluster, clusterCapabilities(provided), clusterParameters(facts),
                    null, policy, correlationId, facts.nodeId(), now, lookups);
            PlanEntity iot = ensurePlan(Route.IOT_OPERATIONS, d.target(), EnumSet.of(Capability.EDGE_DATA),
                    clusterParameters(facts), arc, policy, correlationId, facts.nodeId(), now, lookups);
            return with(d, iot.planId, List.of(arc.planId));
        }
        if (route == Route.DIRECT_AGENT) {
            PlanEntity handoff = ensurePlan(route, d.target(), provided, HandoffKit.parameters(facts), null, policy,
                    correlationId, facts.nodeId(), now, lookups);
            return with(d, handoff.planId, List.of());
        }
        Map<String, String> params = new LinkedHashMap<>();
        params.put("nodeId", facts.nodeId());
        params.put("hostNode", hostNode(facts));
        if (facts.clusterId() != null) {
            params.put("clusterId", facts.clusterId());
        }
        if (facts.site() != null) {
            params.put("site", facts.site());
        }
        PlanEntity vm = ensurePlan(route, d.target(), provided, params, null, policy, correlationId, facts.nodeId(), now,
                lookups);
        return with(d, vm.planId, List.of());
    }

    private PlanEntity ensurePlan(Route route, Target target, Set<Capability> capabilities, Map<String, String> parameters,
            PlanEntity dependsOn, Policy policy, String correlationId, String nodeId, Instant now, Lookups lookups) {
        String planId = PlanIds.planId(route, target);
        PlanEntity plan = lookups.plan(planId, target.id());
        if (plan == null) {
            plan = new PlanEntity();
            plan.planId = planId;
            plan.route = route.name();
            plan.targetKind = target.kind().name();
            plan.targetId = target.id();
            plan.capabilities = "";
            plan.parameters = json(Map.of());
            plan.createdAt = now;
            plan.state = PlanState.PUBLISHED;
        }
        boolean known = plan.revision != null;
        boolean perNode = route == Route.COMPANION_VM || route == Route.DIRECT_AGENT;
        Set<Capability> merged = perNode ? EnumSet.noneOf(Capability.class) : parseCapabilities(plan.capabilities);
        merged.addAll(capabilities);
        plan.capabilities = merged.stream().map(Enum::name).collect(Collectors.joining(","));
        Map<String, String> mergedParams = perNode ? new LinkedHashMap<>() : readMap(plan.parameters);
        parameters.forEach(mergedParams::putIfAbsent);
        if (perNode) {
            mergedParams.putAll(parameters);
        }
        plan.parameters = json(mergedParams);
        plan.dependsOn = dependsOn == null ? null : dependsOn.planId;
        plan.policyVersion = policy.version();
        plan.correlationId = correlationId;
        plan.updatedAt = now;
        plan.revision = PlanIds.revision(route, target, merged, mergedParams);
        if (!known) {
            plan.persist();
            lookups.add(plan);
        }
        if (route == Route.DIRECT_AGENT) {
            if (!plan.revision.equals(plan.publishedRevision) || plan.state == PlanState.SUPERSEDED) {
                plan.state = PlanState.AWAITING_HANDOFF;
            }
            return plan;
        }
        boolean dependencyMet = dependsOn == null || "SUCCEEDED".equals(dependsOn.executionState);
        if (!dependencyMet) {
            if (plan.publishedRevision == null || !plan.revision.equals(plan.publishedRevision)) {
                plan.state = PlanState.WAITING;
            }
        } else if (!plan.revision.equals(plan.publishedRevision) || plan.state == PlanState.SUPERSEDED) {
            publishPlan(plan, List.of(nodeId), correlationId);
        }
        return plan;
    }

    private void publishPlan(PlanEntity plan, List<String> nodeIds, String correlationId) {
        OnboardingPlan event = new OnboardingPlan(UUID.randomUUID().toString(), correlationId, Instant.now(), plan.planId,
                plan.revision, Route.valueOf(plan.route), new Target(TargetKind.valueOf(plan.targetKind), plan.targetId),
                nodeIds, List.copyOf(parseCapabilities(plan.capabilities)),
                plan.dependsOn == null ? List.of() : List.of(plan.dependsOn), null, plan.policyVersion,
                readMap(plan.parameters));
        outbox.publish(Topics.planTopic(event.route()), plan.targetId, EventTypes.PLAN_CREATED, event.eventId(),
                correlationId, event);
        plan.publishedRevision = plan.revision;
        plan.state = PlanState.PUBLISHED;
        Log.debugf("published %s plan %s revision %s for %s correlation %s", plan.route, plan.planId, plan.revision,
                LogSafe.of(plan.targetId), LogSafe.of(correlationId));
    }

    private void moveMembership(String fromPlanId, String toPlanId, String correlationId, Instant now) {
        if (fromPlanId != null && fromPlanId.equals(toPlanId)) {
            return;
        }
        if (toPlanId != null) {
            PlanEntity to = PlanEntity.findById(toPlanId);
            to.members++;
        }
        if (fromPlanId != null) {
            PlanEntity from = PlanEntity.findById(fromPlanId);
            if (from != null) {
                from.members = Math.max(0, from.members - 1);
                if (from.members == 0 && TargetKind.NODE.name().equals(from.targetKind)) {
                    from.state = PlanState.SUPERSEDED;
                    from.updatedAt = now;
                    String reason = "superseded: its node's route changed" + (toPlanId == null ? "" : " (now plan " + toPlanId + ")");
                    publishPlanStatus(from, StatusType.SUPERSEDED, reason, correlationId);
                }
            }
        }
    }

    private void publishDecision(Decision d, String correlationId, Instant now) {
        StatusType type = d.route() == Route.BLOCKED ? StatusType.BLOCKED : StatusType.PLANNED;
        String detail = d.rationale() == null || d.rationale().isEmpty() ? d.route().name()
                : d.rationale().get(d.rationale().size() - 1);
        StatusEvent event = new StatusEvent(UUID.randomUUID().toString(), correlationId, now, type, d.nodeId(), d.planId(),
                d.route(), d.target(), null, null, 0, detail, d);
        outbox.publish(Topics.STATUS, d.nodeId(), EventTypes.STATUS, event.eventId(), correlationId, event);
    }

    private void publishPlanStatus(PlanEntity plan, StatusType type, String detail, String correlationId) {
        StatusEvent event = new StatusEvent(UUID.randomUUID().toString(), correlationId, Instant.now(), type, null,
                plan.planId, Route.valueOf(plan.route), new Target(TargetKind.valueOf(plan.targetKind), plan.targetId), null,
                null, 0, detail, null);
        outbox.publish(Topics.STATUS, plan.targetId, EventTypes.STATUS, event.eventId(), correlationId, event);
    }

    private static Set<Capability> clusterCapabilities(Set<Capability> provided) {
        Set<Capability> result = EnumSet.noneOf(Capability.class);
        provided.stream().filter(CLUSTER_PLAN_CAPABILITIES::contains).forEach(result::add);
        return result;
    }

    private static Map<String, String> clusterParameters(NodeFacts facts) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("clusterId", facts.clusterId());
        if (facts.cluster() != null && facts.cluster().distribution() != null) {
            params.put("distribution", facts.cluster().distribution());
        }
        if (facts.site() != null) {
            params.put("site", facts.site());
        }
        return params;
    }

    private static String hostNode(NodeFacts facts) {
        String id = facts.nodeId();
        if (facts.clusterId() != null && id.startsWith(facts.clusterId() + "/")) {
            return id.substring(facts.clusterId().length() + 1);
        }
        return facts.hostname() != null ? facts.hostname() : id;
    }

    /** Same route, target, degradation, reasons, capabilities and plan: nothing for anyone downstream to do. */
    static boolean sameOutcome(Decision a, Decision b) {
        return a.route() == b.route() && Objects.equals(a.target(), b.target()) && a.degraded() == b.degraded()
                && Objects.equals(a.reasons(), b.reasons()) && Objects.equals(a.planId(), b.planId())
                && Objects.equals(a.dependsOn(), b.dependsOn())
                && toSet(a.capabilities().provided()).equals(toSet(b.capabilities().provided()))
                && toSet(a.capabilities().missing()).equals(toSet(b.capabilities().missing()));
    }

    private Decision readDecision(String json) {
        try {
            return mapper.readValue(json, Decision.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored decision is not readable", e);
        }
    }

    private static Decision with(Decision d, String planId, List<String> dependsOn) {
        return new Decision(d.nodeId(), d.route(), d.target(), d.degraded(), d.reasons(), d.rationale(), d.capabilities(),
                d.rejected(), planId, dependsOn, d.policyVersion(), d.factsHash(), d.decidedAt());
    }

    private static Set<Capability> toSet(List<Capability> list) {
        return list == null || list.isEmpty() ? EnumSet.noneOf(Capability.class) : EnumSet.copyOf(list);
    }

    private static Set<Capability> parseCapabilities(String csv) {
        Set<Capability> set = EnumSet.noneOf(Capability.class);
        if (csv != null && !csv.isBlank()) {
            Arrays.stream(csv.split(",")).map(String::trim).map(Capability::valueOf).forEach(set::add);
        }
        return set;
    }

    private Map<String, String> readMap(String json) {
        try {
            return new LinkedHashMap<>(mapper.readValue(json, new TypeReference<Map<String, String>>() {
            }));
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
