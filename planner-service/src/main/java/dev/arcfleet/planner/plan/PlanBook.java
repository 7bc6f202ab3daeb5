package dev.arcfleet.planner.plan;

import dev.arcfleet.contracts.AzureTarget;
import dev.arcfleet.contracts.Capability;
import dev.arcfleet.contracts.Decision;
import dev.arcfleet.contracts.NodeFacts;
import dev.arcfleet.contracts.OnboardingPlan;
import dev.arcfleet.contracts.Route;
import dev.arcfleet.contracts.StatusType;
import dev.arcfleet.contracts.Target;
import dev.arcfleet.contracts.TargetKind;
import dev.arcfleet.planner.decide.Policy;
import dev.arcfleet.planner.handoff.HandoffKit;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The plan rules, as plain values in and out: which plans a decision needs (one per route and target), how a cluster
 * plan merges its nodes' capabilities and parameters, when a new revision is published, that an IoT Operations plan
 * waits for its cluster's Arc plan, that a node plan left with no node is superseded, and that an executable plan's
 * revision is published only once approved (by a policy approval rule or an operator), and where in Azure a plan goes
 * (its Azure target, fixed once a revision of it reached an executor). The caller loads the plans, calls the book and
 * writes back what it returns.
 */
public final class PlanBook {
    /**
     * What a cluster's Arc plan carries of a decision's capabilities. EDGE_DATA is there when IoT Operations will run on
     * the cluster: the cluster is then connected with an OIDC issuer, workload identity and custom locations, which
     * IoT Operations needs (docs/azure-contract.md, "IoT Operations").
     */
    public static final Set<Capability> CLUSTER_PLAN_CAPABILITIES = Collections.unmodifiableSet(EnumSet.of(
            Capability.POLICY,
            Capability.GITOPS,
            Capability.MONITOR,
            Capability.DEFENDER,
            Capability.INVENTORY,
            Capability.EDGE_DATA));
    /** The execution state a plan's dependents wait for. */
    public static final String SUCCEEDED = "SUCCEEDED";
    /** The execution state the offboarding of a plan's dependency waits for: this plan was offboarded first. */
    public static final String OFFBOARDED = "OFFBOARDED";

    private PlanBook() {}

    /**
     * The parameters that record a plan's Azure target (the policy's choice; none: the executor's default target). They
     * are part of the revision, and leave the parameters for {@link OnboardingPlan#azureTarget} when published.
     */
    public static final String AZURE_TARGET = "azure.target";

    static final String AZURE_SUBSCRIPTION = "azure.subscriptionId";
    static final String AZURE_RESOURCE_GROUP = "azure.resourceGroup";
    static final String AZURE_LOCATION = "azure.location";
    static final String AZURE_CREDENTIALS = "azure.credentials";
    private static final List<String> AZURE_KEYS =
            List.of(AZURE_TARGET, AZURE_SUBSCRIPTION, AZURE_RESOURCE_GROUP, AZURE_LOCATION, AZURE_CREDENTIALS);

    /** The plan's Azure target; null when it goes to the executor's default target. */
    public static AzureTarget azureTargetOf(Plan plan) {
        Map<String, String> p = plan.parameters();
        if (p.get(AZURE_SUBSCRIPTION) == null) {
            return null;
        }
        String credentials = p.getOrDefault(AZURE_CREDENTIALS, "");
        return new AzureTarget(
                p.get(AZURE_TARGET),
                p.get(AZURE_SUBSCRIPTION),
                p.get(AZURE_RESOURCE_GROUP),
                p.get(AZURE_LOCATION),
                credentials.isEmpty() ? List.of() : List.of(credentials.split(",")));
    }

    /** The plan's parameters for the executor: all but those of its Azure target. */
    public static Map<String, String> executorParameters(Plan plan) {
        Map<String, String> params = new LinkedHashMap<>(plan.parameters());
        AZURE_KEYS.forEach(params::remove);
        return params;
    }

    private static Map<String, String> azureParameters(AzureTarget target) {
        Map<String, String> params = new LinkedHashMap<>();
        if (target != null) {
            params.put(AZURE_TARGET, target.name() == null ? "" : target.name());
            params.put(AZURE_SUBSCRIPTION, target.subscriptionId());
            params.put(AZURE_RESOURCE_GROUP, target.resourceGroup());
            params.put(AZURE_LOCATION, target.location());
            params.put(AZURE_CREDENTIALS, String.join(",", target.credentials()));
        }
        return params;
    }

    /** The prefix of an approval made by a policy approval rule: {@code rule:<name>}. */
    public static final String BY_RULE = "rule:";

    /**
     * The approval ({@code approved}) or rejection of one revision of a plan: by whom ({@code rule:<name>} for a policy
     * approval rule, else the caller's token identity), when, and why (a rejection's reason).
     */
    public record Approval(boolean approved, String revision, String by, Instant at, String reason) {}

    /**
     * A plan as stored: its content, where it stands, what the executor last reported, how many nodes point at it, and
     * the last approval or rejection (null: none yet).
     */
    public record Plan(
            String planId,
            Route route,
            Target target,
            Set<Capability> capabilities,
            Map<String, String> parameters,
            String dependsOn,
            String policyVersion,
            String revision,
            String publishedRevision,
            PlanState state,
            String executionState,
            long executionSequence,
            String executionDetail,
            int members,
            Approval approval) {
        public Plan {
            Set<Capability> caps = EnumSet.noneOf(Capability.class);
            caps.addAll(capabilities);
            capabilities = Collections.unmodifiableSet(caps);
            parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        }

        /** A plan not stored yet: no content, no revision, no member. */
        public static Plan fresh(Route route, Target target) {
            return new Plan(
                    PlanIds.planId(route, target),
                    route,
                    target,
                    Set.of(),
                    Map.of(),
                    null,
                    null,
                    null,
                    null,
                    PlanState.PUBLISHED,
                    null,
                    0,
                    null,
                    0,
                    null);
        }

        /** A companion VM or DIRECT_AGENT plan: one node's, its content is that node's current one. */
        public boolean perNode() {
            return route == Route.COMPANION_VM || route == Route.DIRECT_AGENT;
        }

        Plan withContent(
                Set<Capability> caps,
                Map<String, String> params,
                String dependsOnId,
                String policy,
                String rev,
                String published,
                PlanState newState) {
            return new Plan(
                    planId,
                    route,
                    target,
                    caps,
                    params,
                    dependsOnId,
                    policy,
                    rev,
                    published,
                    newState,
                    executionState,
                    executionSequence,
                    executionDetail,
                    members,
                    approval);
        }

        Plan withState(String published, PlanState newState) {
            return withContent(capabilities, parameters, dependsOn, policyVersion, revision, published, newState);
        }

        Plan withMembers(int count, PlanState newState) {
            return withProgress(newState, executionState, executionSequence, executionDetail, count, approval);
        }

        Plan withExecution(String newExecutionState, long sequence, String detail) {
            return withProgress(state, newExecutionState, sequence, detail, members, approval);
        }

        Plan withApproval(Approval newApproval, PlanState newState) {
            return withProgress(newState, executionState, executionSequence, executionDetail, members, newApproval);
        }

        /** The same content and revisions, with this state, execution, member count and approval. */
        private Plan withProgress(
                PlanState newState,
                String newExecutionState,
                long sequence,
                String detail,
                int count,
                Approval newApproval) {
            return new Plan(
                    planId,
                    route,
                    target,
                    capabilities,
                    parameters,
                    dependsOn,
                    policyVersion,
                    revision,
                    publishedRevision,
                    newState,
                    newExecutionState,
                    sequence,
                    detail,
                    count,
                    newApproval);
        }

        /** True when its current revision is approved. */
        public boolean approved() {
            return approval != null && approval.approved() && revision != null && revision.equals(approval.revision());
        }

        /** The nodes a publication names when no node's decision published it: a node plan's own node, else none. */
        List<String> ownNodes() {
            return perNode() && parameters.get("nodeId") != null ? List.of(parameters.get("nodeId")) : List.of();
        }

        /**
         * Published: the revision goes out on the route's plan topic. A new revision's execution starts afresh: what
         * the executor reported of the previous one no longer says anything of it (its sequence stays, to order the
         * reports).
         */
        Plan published() {
            Plan published = withState(revision, PlanState.PUBLISHED);
            return revision.equals(publishedRevision)
                    ? published
                    : published.withExecution(null, executionSequence, null);
        }
    }

    /** A plan to publish on its route's plan topic, naming these nodes (none when a waiting plan is released). */
    public record Publication(Plan plan, List<String> nodeIds) {}

    /**
     * A plan's own status event: SUPERSEDED when its last node left, FAILED when the plan it waits for failed,
     * AWAITING_APPROVAL, APPROVED and REJECTED with the approval's actor ({@code actor}; null for the others).
     */
    public record Notice(Plan plan, StatusType type, String detail, String actor) {
        public Notice(Plan plan, StatusType type, String detail) {
            this(plan, type, detail, null);
        }
    }

    /** A node leaving one plan for another; either is null when the node had none or has none any more. */
    public record Move(String nodeId, String fromPlanId, String toPlanId) {}

    /**
     * What must change. {@code decision}: the decision with its plan ids (null for a retirement or a status event);
     * {@code plans}: every plan touched, in its new state, in the order touched (write them); {@code approvals} (the
     * AWAITING_APPROVAL, APPROVED and REJECTED events), {@code publications} and {@code notices}: the events to write,
     * in this order.
     */
    public record Changes(
            Decision decision,
            Move move,
            List<Plan> plans,
            List<Publication> publications,
            List<Notice> notices,
            List<Notice> approvals) {
        public Changes {
            plans = List.copyOf(plans);
            publications = List.copyOf(publications);
            notices = List.copyOf(notices);
            approvals = List.copyOf(approvals);
        }

        Changes(Decision decision, Move move, List<Plan> plans, List<Publication> publications, List<Notice> notices) {
            this(decision, move, plans, publications, notices, List.of());
        }

        static Changes none() {
            return new Changes(null, null, List.of(), List.of(), List.of());
        }

        /** The plans that wait for the plan they depend on (an IoT Operations plan for its cluster's Arc plan). */
        public List<Plan> waiting() {
            return plans.stream().filter(p -> p.state() == PlanState.WAITING).toList();
        }

        /** The plans superseded: no node points at them any more. */
        public List<Plan> superseded() {
            return notices.stream()
                    .filter(n -> n.type() == StatusType.SUPERSEDED)
                    .map(Notice::plan)
                    .toList();
        }

        /** The plan touched with this id, in its new state, or null. */
        public Plan plan(String planId) {
            return plans.stream()
                    .filter(p -> p.planId().equals(planId))
                    .findFirst()
                    .orElse(null);
        }
    }

    /**
     * The plans a decision needs, id to target, the decision's own plan last: none for BLOCKED; for IOT_OPERATIONS the
     * cluster's ARC_K8S plan first, which the IoT plan depends on; else one plan for the route and target.
     */
    public static Map<String, Target> plansOf(Decision decision) {
        Map<String, Target> plans = new LinkedHashMap<>();
        if (decision.route() == Route.BLOCKED) {
            return plans;
        }
        if (decision.route() == Route.IOT_OPERATIONS) {
            Target cluster = new Target(TargetKind.CLUSTER, decision.target().id());
            plans.put(PlanIds.planId(Route.ARC_K8S, cluster), cluster);
        }
        plans.put(PlanIds.planId(decision.route(), decision.target()), decision.target());
        return plans;
    }

    /** The decision with the plan ids the planner attaches: its own plan, and the plans that one depends on. */
    public static Decision withPlanIds(Decision d) {
        List<String> ids = new ArrayList<>(plansOf(d).keySet());
        String planId = ids.isEmpty() ? null : ids.remove(ids.size() - 1);
        return new Decision(
                d.nodeId(),
                d.route(),
                d.target(),
                d.degraded(),
                d.reasons(),
                d.rationale(),
                d.capabilities(),
                d.rejected(),
                planId,
                List.copyOf(ids),
                d.policyVersion(),
                d.factsHash(),
                d.decidedAt());
    }

    /** As {@link #decide(Decision, NodeFacts, String, Map, List, Instant)}, every plan approved automatically. */
    public static Changes decide(Decision decision, NodeFacts facts, String previousPlanId, Map<String, Plan> current) {
        return decide(
                decision,
                facts,
                previousPlanId,
                current,
                List.of(Policy.AUTO_APPROVE_ALL),
                decision.decidedAt() == null ? Instant.EPOCH : decision.decidedAt());
    }

    /**
     * What a decision for {@code facts} changes. {@code current}: the stored plans among {@link #plansOf} and the
     * node's previous plan ({@code previousPlanId}, null when it had none); a plan missing there does not exist yet.
     * {@code approvalRules}: the policy's, matched (first match wins) against this node for a revision not approved
     * yet; {@code now}: when an approval they make is recorded.
     */
    public static Changes decide(
            Decision decision,
            NodeFacts facts,
            String previousPlanId,
            Map<String, Plan> current,
            List<Policy.ApprovalRule> approvalRules,
            Instant now) {
        return decide(decision, facts, previousPlanId, current, approvalRules, now, plan -> false);
    }

    /**
     * As {@link #decide(Decision, NodeFacts, String, Map, List, Instant)}; {@code heldByRollout} says which approved
     * plans a rollout holds: they go to AWAITING_ROLLOUT instead of being published.
     */
    public static Changes decide(
            Decision decision,
            NodeFacts facts,
            String previousPlanId,
            Map<String, Plan> current,
            List<Policy.ApprovalRule> approvalRules,
            Instant now,
            Predicate<Plan> heldByRollout) {
        return decide(decision, facts, previousPlanId, current, approvalRules, now, heldByRollout, null);
    }

    /**
     * As {@link #decide(Decision, NodeFacts, String, Map, List, Instant, Predicate)}; {@code azureTarget} is where the
     * policy sends this node's plans (null: the executor's default target). A plan takes it until a revision of it
     * has reached an executor; from then on it keeps its target (its resources stay where they are) until it is
     * offboarded. An IoT Operations plan goes where its cluster's Arc plan goes.
     */
    public static Changes decide(
            Decision decision,
            NodeFacts facts,
            String previousPlanId,
            Map<String, Plan> current,
            List<Policy.ApprovalRule> approvalRules,
            Instant now,
            Predicate<Plan> heldByRollout,
            AzureTarget azureTarget) {
        Book book = new Book(current, facts, approvalRules, now, heldByRollout, azureTarget);
        Decision planned = withPlanIds(decision);
        String nodeId = facts.nodeId();
        String policy = decision.policyVersion();
        Set<Capability> provided =
                decision.capabilities() == null || decision.capabilities().provided() == null
                        ? EnumSet.noneOf(Capability.class)
                        : toSet(decision.capabilities().provided());
        switch (decision.route()) {
            case ARC_K8S ->
                book.ensure(
                        Route.ARC_K8S,
                        decision.target(),
                        clusterCapabilities(provided),
                        clusterParameters(facts),
                        null,
                        policy,
                        nodeId);
            case IOT_OPERATIONS -> {
                Target cluster =
                        new Target(TargetKind.CLUSTER, decision.target().id());
                Plan arc = book.ensure(
                        Route.ARC_K8S,
                        cluster,
                        clusterCapabilities(provided),
                        clusterParameters(facts),
                        null,
                        policy,
                        nodeId);
                book.ensure(
                        Route.IOT_OPERATIONS,
                        decision.target(),
                        EnumSet.of(Capability.EDGE_DATA),
                        clusterParameters(facts),
                        arc,
                        policy,
                        nodeId);
            }
            case DIRECT_AGENT ->
                book.ensure(
                        Route.DIRECT_AGENT,
                        decision.target(),
                        provided,
                        HandoffKit.parameters(facts),
                        null,
                        policy,
                        nodeId);
            case COMPANION_VM ->
                book.ensure(
                        Route.COMPANION_VM,
                        decision.target(),
                        provided,
                        companionParameters(facts),
                        null,
                        policy,
                        nodeId);
            case BLOCKED -> {}
        }
        Move move = book.move(nodeId, previousPlanId, planned.planId());
        return book.changes(planned, move);
    }

    /**
     * What retiring a node changes, offboarding included: it leaves its plan ({@code planId}), which may be superseded;
     * its own node plan (COMPANION_VM) is offboarded, and when {@code lastOfCluster} (no active node of cluster
     * {@code clusterId} is left) the cluster's plans in {@code current} are too, IoT Operations before Arc: while the
     * IoT Operations offboarding has not reported OFFBOARDED, the Arc offboarding depends on it and waits (released by
     * {@link #onStatus}). Only a plan whose onboarding went to an executor is offboarded ({@link #offboardable}); its
     * offboarding revision passes the approval gate as an onboarding's does ({@code facts}: the node's last facts, for
     * the approval rules).
     */
    public static Changes retire(
            String nodeId,
            String planId,
            Map<String, Plan> current,
            String clusterId,
            boolean lastOfCluster,
            NodeFacts facts,
            List<Policy.ApprovalRule> approvalRules,
            Instant now) {
        Book book = new Book(current, facts, approvalRules, now, plan -> false, null); // rollouts hold onboardings only
        Move move = book.move(nodeId, planId, null);
        Plan own = planId == null ? null : book.get(planId);
        if (own != null && own.perNode()) {
            book.offboard(own, null);
        }
        if (lastOfCluster && clusterId != null) {
            Target cluster = new Target(TargetKind.CLUSTER, clusterId);
            Plan iot = book.get(PlanIds.planId(Route.IOT_OPERATIONS, cluster));
            if (iot != null) {
                book.offboard(iot, null);
                iot = book.get(iot.planId());
            }
            Plan arc = book.get(PlanIds.planId(Route.ARC_K8S, cluster));
            if (arc != null) {
                // IoT Operations lives on the connected cluster: it goes first
                book.offboard(arc, iot != null && PlanIds.offboarding(iot.revision()) ? iot : null);
            }
        }
        return book.changes(null, move);
    }

    /**
     * True when retiring the plan's nodes offboards it: an executor got an onboarding revision of it (not a
     * DIRECT_AGENT plan, nor one never approved or never released), and no offboarding of it was made yet.
     */
    public static boolean offboardable(Plan plan) {
        return plan.route() != Route.DIRECT_AGENT
                && plan.publishedRevision() != null
                && !PlanIds.offboarding(plan.publishedRevision())
                && !PlanIds.offboarding(plan.revision());
    }

    /**
     * True when a status of this type for this plan acts on the plans waiting for it: give them to {@link #onStatus}.
     * An Arc plan's SUCCEEDED or FAILED acts on its IoT Operations plan's onboarding; an IoT Operations plan's
     * OFFBOARDED or OFFBOARD_FAILED on its Arc plan's offboarding.
     */
    public static boolean actsOnDependents(Plan plan, StatusType type) {
        return plan.route() == Route.ARC_K8S && (type == StatusType.SUCCEEDED || type == StatusType.FAILED)
                || plan.route() == Route.IOT_OPERATIONS
                        && (type == StatusType.OFFBOARDED || type == StatusType.OFFBOARD_FAILED);
    }

    /**
     * True when {@code plan}'s current revision may go out as far as {@code dependency} (the plan it depends on, null
     * when none) is concerned: an onboarding waits for the dependency's SUCCEEDED, an offboarding for its OFFBOARDED.
     */
    public static boolean dependencyDone(Plan plan, Plan dependency) {
        if (dependency == null) {
            return true;
        }
        return (PlanIds.offboarding(plan.revision()) ? OFFBOARDED : SUCCEEDED).equals(dependency.executionState());
    }

    /**
     * Whether an executor event of {@code revision} speaks of the plan's current execution: the revision published last,
     * or an event that names none (written before events carried it). A late event of a revision a newer one replaced
     * (its SUCCEEDED after the newer was published, say) says nothing of the newer one's run.
     */
    public static boolean ofCurrentRevision(Plan plan, String revision) {
        return revision == null || plan.publishedRevision() == null || revision.equals(plan.publishedRevision());
    }

    /**
     * What executor progress of {@code plan} changes: its execution state (an event not newer than the last one seen
     * changes nothing); an Arc plan that SUCCEEDED releases the plans waiting for it (published); one that FAILED
     * reports them FAILED with its reason (they stay waiting, for a retry that succeeds). Likewise an IoT Operations
     * plan that was OFFBOARDED releases its Arc plan's waiting offboarding, and one whose offboarding failed reports it
     * OFFBOARD_FAILED with the reason it is held. {@code dependents}: the plans that depend on {@code plan}.
     */
    public static Changes onStatus(Plan plan, StatusType type, long sequence, String detail, List<Plan> dependents) {
        return onStatus(plan, null, type, sequence, detail, dependents, p -> false);
    }

    /**
     * As {@link #onStatus(Plan, StatusType, long, String, List)}, for an event of {@code revision} (null: of no known
     * revision): an event of a revision other than the one published last changes nothing (see
     * {@link #ofCurrentRevision}). A dependent the Arc plan's success would release that {@code heldByRollout} holds
     * goes to AWAITING_ROLLOUT instead, for its rollout's batch.
     */
    public static Changes onStatus(
            Plan plan,
            String revision,
            StatusType type,
            long sequence,
            String detail,
            List<Plan> dependents,
            Predicate<Plan> heldByRollout) {
        if (sequence <= plan.executionSequence() || !ofCurrentRevision(plan, revision)) {
            return Changes.none();
        }
        String executionState = switch (type) {
            case STARTED, STEP_SUCCEEDED, RETRYING -> "IN_PROGRESS";
            case SUCCEEDED -> SUCCEEDED;
            case FAILED -> "FAILED";
            case OFFBOARDING, OFFBOARDED, OFFBOARD_FAILED -> type.name();
            default -> null;
        };
        if (executionState == null) {
            return Changes.none();
        }
        List<Plan> plans = new ArrayList<>();
        List<Publication> publications = new ArrayList<>();
        List<Notice> notices = new ArrayList<>();
        plans.add(plan.withExecution(executionState, sequence, detail));
        if (actsOnDependents(plan, type)) {
            for (Plan dependent : dependents) {
                if (!plan.planId().equals(dependent.dependsOn()) || dependent.state() != PlanState.WAITING) {
                    continue;
                }
                if (type == StatusType.SUCCEEDED && heldByRollout.test(dependent)) {
                    Plan held = dependent.withState(dependent.publishedRevision(), PlanState.AWAITING_ROLLOUT);
                    plans.add(held);
                    notices.add(heldNotice(held));
                } else if (type == StatusType.SUCCEEDED || type == StatusType.OFFBOARDED) {
                    Plan released = dependent.published();
                    plans.add(released);
                    publications.add(new Publication(released, List.of()));
                } else if (type == StatusType.OFFBOARD_FAILED) {
                    notices.add(new Notice(
                            dependent,
                            StatusType.OFFBOARD_FAILED,
                            "held: the Arc-enabled Kubernetes"
                                    + " offboarding waits for the IoT Operations offboarding " + plan.planId()
                                    + " of cluster "
                                    + plan.target().id() + ", which failed: " + detail
                                    + "; it starts once a retry of that"
                                    + " offboarding succeeds"));
                } else {
                    notices.add(new Notice(
                            dependent,
                            StatusType.FAILED,
                            "waits for the Arc-enabled Kubernetes plan "
                                    + plan.planId() + " of cluster "
                                    + plan.target().id() + ", which failed: " + detail
                                    + "; it starts once that plan succeeds"));
                }
            }
        }
        return new Changes(null, null, plans, publications, notices);
    }

    /** True when an operator can approve the plan: it awaits approval, or its current revision was rejected. */
    public static boolean approvable(Plan plan) {
        return plan.state() == PlanState.AWAITING_APPROVAL || plan.state() == PlanState.REJECTED;
    }

    /** True when an operator can reject the plan: it awaits approval, or is approved but waits for its dependency. */
    public static boolean rejectable(Plan plan) {
        return plan.state() == PlanState.AWAITING_APPROVAL || plan.state() == PlanState.WAITING;
    }

    /**
     * An operator ({@code by}, the caller's identity) approves the plan's current revision at {@code at}: it is
     * published as a decision would have published it, or waits when {@code dependency} (the plan it depends on, null
     * when none) has not succeeded. A plan not {@link #approvable} changes nothing.
     */
    public static Changes approve(Plan plan, String by, Instant at, Plan dependency) {
        return approve(plan, by, at, dependency, p -> false);
    }

    /** As {@link #approve(Plan, String, Instant, Plan)}; a plan {@code heldByRollout} holds awaits its rollout. */
    public static Changes approve(Plan plan, String by, Instant at, Plan dependency, Predicate<Plan> heldByRollout) {
        if (!approvable(plan)) {
            return Changes.none();
        }
        Plan approved = plan.withApproval(new Approval(true, plan.revision(), by, at, null), plan.state());
        List<Publication> publications = new ArrayList<>();
        Plan after;
        if (!dependencyDone(plan, dependency)) {
            after = approved.withState(approved.publishedRevision(), PlanState.WAITING);
        } else if (heldByRollout.test(approved)) {
            after = approved.withState(approved.publishedRevision(), PlanState.AWAITING_ROLLOUT);
        } else {
            after = approved.published();
            publications.add(new Publication(after, after.ownNodes()));
        }
        Notice notice = new Notice(
                after,
                StatusType.APPROVED,
                "revision " + plan.revision() + " approved by " + by
                        + (after.state() == PlanState.WAITING
                                ? "; it waits for plan " + dependency.planId()
                                : after.state() == PlanState.AWAITING_ROLLOUT
                                        ? "; a rollout releases it with its batch"
                                        : ""),
                by);
        List<Notice> approvals = new ArrayList<>(List.of(notice));
        if (after.state() == PlanState.AWAITING_ROLLOUT) {
            approvals.add(heldNotice(after));
        }
        return new Changes(null, null, List.of(after), publications, List.of(), approvals);
    }

    /** The AWAITING_ROLLOUT event of an approved plan held for a rollout. */
    static Notice heldNotice(Plan plan) {
        return new Notice(
                plan,
                StatusType.AWAITING_ROLLOUT,
                "revision " + plan.revision()
                        + " is approved; a rollout releases it with its batch (held for a running rollout,"
                        + " or by the policy's rollouts.default until one selects it)");
    }

    /**
     * An operator ({@code by}) rejects the plan's current revision at {@code at}, for {@code reason}: it is not
     * published until approved again. A plan not {@link #rejectable} changes nothing.
     */
    public static Changes reject(Plan plan, String by, Instant at, String reason) {
        if (!rejectable(plan)) {
            return Changes.none();
        }
        Plan rejected = plan.withApproval(new Approval(false, plan.revision(), by, at, reason), PlanState.REJECTED);
        Notice notice = new Notice(
                rejected,
                StatusType.REJECTED,
                "revision " + plan.revision() + " rejected by " + by
                        + (reason == null || reason.isBlank() ? "" : ": " + reason),
                by);
        return new Changes(null, null, List.of(rejected), List.of(), List.of(), List.of(notice));
    }

    /**
     * A rollout releases a plan it held: published as approval would have published it, or WAITING when
     * {@code dependency} has not succeeded. A plan not AWAITING_ROLLOUT changes nothing.
     */
    public static Changes releaseFromRollout(Plan plan, Plan dependency) {
        if (plan.state() != PlanState.AWAITING_ROLLOUT) {
            return Changes.none();
        }
        if (!dependencyDone(plan, dependency)) {
            return new Changes(
                    null,
                    null,
                    List.of(plan.withState(plan.publishedRevision(), PlanState.WAITING)),
                    List.of(),
                    List.of());
        }
        Plan released = plan.published();
        return new Changes(
                null, null, List.of(released), List.of(new Publication(released, released.ownNodes())), List.of());
    }

    /**
     * A site's hand-off kit took a DIRECT_AGENT plan awaiting one: its current revision is PUBLISHED (to no executor)
     * with execution state HANDED_OFF and {@code detail}. A plan not awaiting a kit changes nothing.
     */
    public static Changes handOff(Plan plan, String detail) {
        if (plan.route() != Route.DIRECT_AGENT || plan.state() != PlanState.AWAITING_HANDOFF) {
            return Changes.none();
        }
        Plan handedOff =
                plan.published().withExecution(StatusType.HANDED_OFF.name(), plan.executionSequence() + 1, detail);
        return new Changes(
                null,
                null,
                List.of(handedOff),
                List.of(),
                List.of(new Notice(handedOff, StatusType.HANDED_OFF, detail)));
    }

    /**
     * Which plans an operator approves at once: every field given (null or empty: any) must match. {@code site}: the
     * plan's site parameter; {@code route}; {@code clusterIds}: the plan's cluster; {@code labels}: one of the plan's
     * nodes has each of them.
     */
    public record Selector(String site, Route route, Map<String, String> labels, Set<String> clusterIds) {
        public Selector {
            labels = labels == null ? Map.of() : Map.copyOf(labels);
            clusterIds = clusterIds == null ? Set.of() : Set.copyOf(clusterIds);
        }

        /** True when the selector names nothing: it would select every plan. */
        public boolean empty() {
            return site == null && route == null && labels.isEmpty() && clusterIds.isEmpty();
        }

        /** True when it selects the plan, whose nodes carry {@code nodeLabels} (one map per node). */
        public boolean selects(Plan plan, Collection<Map<String, String>> nodeLabels) {
            if (route != null && route != plan.route()) {
                return false;
            }
            if (site != null && !site.equals(plan.parameters().get("site"))) {
                return false;
            }
            if (!clusterIds.isEmpty() && !clusterIds.contains(clusterOf(plan))) {
                return false;
            }
            return labels.isEmpty()
                    || nodeLabels.stream()
                            .anyMatch(l -> l != null
                                    && labels.entrySet().stream()
                                            .allMatch(e -> e.getValue().equals(l.get(e.getKey()))));
        }
    }

    /** The cluster a plan is for: a cluster plan's target, else its clusterId parameter (null for a lone host). */
    public static String clusterOf(Plan plan) {
        return plan.target().kind() == TargetKind.CLUSTER
                ? plan.target().id()
                : plan.parameters().get("clusterId");
    }

    /** The plans of one call, as they change. */
    private static final class Book {
        private final Map<String, Plan> current;
        private final NodeFacts facts;
        private final List<Policy.ApprovalRule> approvalRules;
        private final Instant now;
        private final Map<String, Plan> touched = new LinkedHashMap<>();
        private final List<Publication> publications = new ArrayList<>();
        private final List<Notice> notices = new ArrayList<>();
        private final List<Notice> approvals = new ArrayList<>();
        private final Predicate<Plan> heldByRollout;
        private final AzureTarget azureTarget;

        Book(
                Map<String, Plan> current,
                NodeFacts facts,
                List<Policy.ApprovalRule> approvalRules,
                Instant now,
                Predicate<Plan> heldByRollout,
                AzureTarget azureTarget) {
            this.heldByRollout = heldByRollout;
            this.azureTarget = azureTarget;
            this.current = current;
            this.facts = facts;
            this.approvalRules = approvalRules;
            this.now = now;
        }

        Plan get(String planId) {
            Plan plan = touched.get(planId);
            return plan != null ? plan : current.get(planId);
        }

        void put(Plan plan) {
            touched.put(plan.planId(), plan);
        }

        /**
         * The plan for route and target with this node's content merged in (a cluster plan's capabilities are the union,
         * a parameter keeps its first value; a node plan takes the node's), revised, and published when its revision is
         * new or it was superseded; a DIRECT_AGENT plan awaits a hand-off kit instead. A revision to release must be
         * approved first ({@link #gate}); an approved one whose dependency has not succeeded waits.
         */
        Plan ensure(
                Route route,
                Target target,
                Set<Capability> capabilities,
                Map<String, String> parameters,
                Plan dependsOn,
                String policy,
                String nodeId) {
            String planId = PlanIds.planId(route, target);
            Plan plan = get(planId);
            if (plan == null) {
                plan = Plan.fresh(route, target);
            }
            Set<Capability> caps = EnumSet.noneOf(Capability.class);
            Map<String, String> params = new LinkedHashMap<>();
            // an offboarded cluster plan starts from scratch
            if (!plan.perNode() && !PlanIds.offboarding(plan.publishedRevision())) {
                caps.addAll(plan.capabilities());
                params.putAll(plan.parameters());
            }
            caps.addAll(capabilities);
            parameters.forEach(params::putIfAbsent);
            // the Azure target: kept once a revision reached an executor; else the policy's (the Arc plan's for IoT)
            boolean placed = plan.publishedRevision() != null && !PlanIds.offboarding(plan.publishedRevision());
            Map<String, String> where = route == Route.DIRECT_AGENT
                    ? Map.of() // a hand-off kit connects with the site's own settings
                    : placed
                            ? azureParameters(azureTargetOf(plan))
                            : azureParameters(dependsOn != null ? azureTargetOf(dependsOn) : azureTarget);
            AZURE_KEYS.forEach(params::remove);
            params.putAll(where);
            String revision =
                    PlanIds.onboardRevision(PlanIds.revision(route, target, caps, params), plan.publishedRevision());
            boolean newWork = !revision.equals(plan.publishedRevision()) || plan.state() == PlanState.SUPERSEDED;
            boolean awaited = plan.state() == PlanState.AWAITING_APPROVAL && revision.equals(plan.revision());
            boolean heldAlready = plan.state() == PlanState.AWAITING_ROLLOUT && revision.equals(plan.revision());
            PlanState state = plan.state();
            if (!newWork && PlanIds.offboarding(plan.revision())) {
                // its node came back before the offboarding was approved: the offboarding is withdrawn
                state = PlanState.PUBLISHED;
            }
            boolean publish = false;
            boolean waits = dependsOn != null && !SUCCEEDED.equals(dependsOn.executionState());
            boolean release = false;
            if (route == Route.DIRECT_AGENT) {
                state = newWork ? PlanState.AWAITING_HANDOFF : state;
            } else {
                release = waits ? !revision.equals(plan.publishedRevision()) : newWork;
            }
            plan = plan.withContent(
                    caps,
                    params,
                    dependsOn == null ? null : dependsOn.planId(),
                    policy,
                    revision,
                    plan.publishedRevision(),
                    state);
            if (release) {
                plan = gate(plan, awaited);
                if (plan.approved()) {
                    if (waits) {
                        plan = plan.withState(plan.publishedRevision(), PlanState.WAITING);
                    } else if (heldByRollout.test(plan)) {
                        plan = plan.withState(plan.publishedRevision(), PlanState.AWAITING_ROLLOUT);
                        if (!heldAlready) {
                            approvals.add(heldNotice(plan));
                        }
                    } else {
                        publish = true;
                    }
                }
            }
            if (publish) {
                plan = plan.published();
                publications.add(new Publication(plan, List.of(nodeId)));
            }
            put(plan);
            return plan;
        }

        /**
         * The approval gate of a revision to release: one approved or rejected before keeps that verdict; else the
         * first approval rule matching this node approves it (AUTO, recorded as {@code rule:<name>}) or, when none
         * matches or it is MANUAL, the plan awaits an operator (reported once per revision: {@code awaited} says it
         * already awaits this one).
         */
        Plan gate(Plan plan, boolean awaited) {
            Approval approval = plan.approval();
            if (approval != null && plan.revision().equals(approval.revision())) {
                return approval.approved() ? plan : plan.withState(plan.publishedRevision(), PlanState.REJECTED);
            }
            Policy.ApprovalRule rule = approvalRules.stream()
                    .filter(r -> r.matches(plan.route(), facts))
                    .findFirst()
                    .orElse(null);
            if (rule != null && rule.approve() == Policy.Approve.AUTO) {
                String by = BY_RULE + rule.name();
                Plan approved = plan.withApproval(new Approval(true, plan.revision(), by, now, null), plan.state());
                approvals.add(new Notice(
                        approved,
                        StatusType.APPROVED,
                        "revision " + plan.revision() + " approved by policy approval rule '" + rule.name() + "'",
                        by));
                return approved;
            }
            Plan awaiting = plan.withState(plan.publishedRevision(), PlanState.AWAITING_APPROVAL);
            if (!awaited) {
                approvals.add(new Notice(
                        awaiting,
                        StatusType.AWAITING_APPROVAL,
                        "revision " + plan.revision()
                                + " awaits an operator's approval: "
                                + (rule == null
                                        ? "no approval rule of the policy matches"
                                        : "policy approval rule '" + rule.name() + "' asks for manual approval"),
                        null));
            }
            return awaiting;
        }

        /**
         * The plan's offboarding, when {@link #offboardable}: a revision of its published one marked offboarding, gated
         * and published as an onboarding revision is, naming the plan's own node (none for a cluster plan). With
         * {@code after} (an offboarding that must finish first) it depends on that plan and, approved, waits for its
         * OFFBOARDED.
         */
        void offboard(Plan plan, Plan after) {
            if (!offboardable(plan)) {
                return;
            }
            String dependsOn = after == null ? plan.dependsOn() : after.planId();
            Plan off = plan.withContent(
                    plan.capabilities(),
                    plan.parameters(),
                    dependsOn,
                    plan.policyVersion(),
                    PlanIds.offboardRevision(plan.publishedRevision()),
                    plan.publishedRevision(),
                    plan.state());
            off = gate(off, false);
            if (off.approved()) {
                if (!dependencyDone(off, after)) {
                    off = off.withState(off.publishedRevision(), PlanState.WAITING);
                } else {
                    off = off.published();
                    publications.add(new Publication(off, off.ownNodes()));
                }
            }
            put(off);
        }

        /** The node counts on its new plan and no more on its old one; a node plan left with no node is superseded. */
        Move move(String nodeId, String from, String to) {
            if (from != null && from.equals(to)) {
                return new Move(nodeId, from, to);
            }
            if (to != null) {
                Plan plan = get(to);
                put(plan.withMembers(plan.members() + 1, plan.state()));
            }
            Plan old = from == null ? null : get(from);
            if (old != null) {
                int members = Math.max(0, old.members() - 1);
                if (members == 0 && old.target().kind() == TargetKind.NODE) {
                    Plan superseded = old.withMembers(0, PlanState.SUPERSEDED);
                    put(superseded);
                    notices.add(new Notice(
                            superseded,
                            StatusType.SUPERSEDED,
                            "superseded: its node's route changed" + (to == null ? "" : " (now plan " + to + ")")));
                } else {
                    put(old.withMembers(members, old.state()));
                }
            }
            return new Move(nodeId, from, to);
        }

        Changes changes(Decision decision, Move move) {
            return new Changes(decision, move, new ArrayList<>(touched.values()), publications, notices, approvals);
        }
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

    private static Map<String, String> companionParameters(NodeFacts facts) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("nodeId", facts.nodeId());
        params.put("hostNode", hostNode(facts));
        if (facts.clusterId() != null) {
            params.put("clusterId", facts.clusterId());
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

    private static Set<Capability> toSet(List<Capability> list) {
        Set<Capability> set = EnumSet.noneOf(Capability.class);
        set.addAll(list);
        return set;
    }
}
