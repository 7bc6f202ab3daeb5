package dev.arcfleet.inventory.status;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arcfleet.contracts.Decision;
import dev.arcfleet.contracts.OnboardingState;
import dev.arcfleet.contracts.StatusEvent;
import dev.arcfleet.contracts.StatusType;
import dev.arcfleet.inventory.live.LiveEvent;
import dev.arcfleet.inventory.live.LiveEvents;
import dev.arcfleet.support.inbox.SafeIds;
import dev.arcfleet.support.log.LogSafe;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Keeps the registry current from {@code onboarding.status}. Decisions (PLANNED, BLOCKED) apply to their node unless a
 * newer decision is already there; executor events apply to their plan in sequence order, so an event applied twice or
 * arriving late changes nothing. A node's shown state is its plan's once the plan has started.
 */
@ApplicationScoped
public class StatusProjection {
    private final EntityManager entityManager;
    private final ObjectMapper mapper;
    private final LiveEvents live;

    public StatusProjection(EntityManager entityManager, ObjectMapper mapper, LiveEvents live) {
        this.entityManager = entityManager;
        this.mapper = mapper;
        this.live = live;
    }

    static final int MAX_EVENT_ID = 64;
    static final int MAX_PLAN_ID = 64;
    static final int MAX_NODE_ID = 253;
    static final int MAX_TARGET_ID = 300;
    static final int MAX_STEP = 100;
    static final int MAX_CORRELATION_ID = 64;
    static final int MAX_ACTOR = 200;

    /**
     * What {@link #applyAll} needs of an event, and that every value fits the column it lands in (V2, V4): an event
     * without it is poison (IllegalArgumentException says why). Anyone able to write {@code onboarding.status} can
     * send any event, so nothing in it is taken on trust: ids match a safe pattern within their columns' widths, the
     * step has no control characters, the detail no NUL (PostgreSQL cannot store one), a decision names its route.
     */
    public static void check(StatusEvent event) {
        if (event.type() == null) {
            throw new IllegalArgumentException("status event " + LogSafe.of(event.eventId(), 64) + " has no type");
        }
        id("eventId", event.eventId(), MAX_EVENT_ID, true);
        id("correlationId", event.correlationId(), MAX_CORRELATION_ID, false);
        id("nodeId", event.nodeId(), MAX_NODE_ID, false);
        id("planId", event.planId(), MAX_PLAN_ID, false);
        if (event.target() != null) {
            id("target.id", event.target().id(), MAX_TARGET_ID, false);
        }
        if (event.step() != null && (event.step().length() > MAX_STEP || LogSafe.hasUnsafe(event.step()))) {
            throw new IllegalArgumentException("status event " + event.eventId() + ": step must be at most " + MAX_STEP
                    + " characters without control characters, got "
                    + event.step().length());
        }
        if (event.actor() != null
                && (event.actor().isEmpty()
                        || event.actor().length() > MAX_ACTOR
                        || LogSafe.hasUnsafe(event.actor()))) {
            throw new IllegalArgumentException("status event " + event.eventId() + ": actor must be 1 to " + MAX_ACTOR
                    + " characters without control characters, got "
                    + event.actor().length());
        }
        if (event.detail() != null && event.detail().indexOf('\u0000') >= 0) {
            throw new IllegalArgumentException("status event " + event.eventId() + ": detail holds a NUL character");
        }
        switch (event.type()) {
            case PLANNED, BLOCKED -> {
                Decision decision = event.decision();
                if (decision == null || decision.nodeId() == null) {
                    throw new IllegalArgumentException(
                            event.type() + " status event " + event.eventId() + " carries no decision");
                }
                id("decision.nodeId", decision.nodeId(), MAX_NODE_ID, true);
                id("decision.planId", decision.planId(), MAX_PLAN_ID, false);
                if (decision.route() == null) {
                    throw new IllegalArgumentException(
                            event.type() + " status event " + event.eventId() + ": its decision names no route");
                }
                if (decision.target() != null) {
                    id("decision.target.id", decision.target().id(), MAX_TARGET_ID, false);
                    if (decision.target().kind() == null) {
                        throw new IllegalArgumentException(event.type() + " status event " + event.eventId()
                                + ": its decision's target has no kind");
                    }
                }
            }
            case STARTED,
                    STEP_SUCCEEDED,
                    RETRYING,
                    SUCCEEDED,
                    FAILED,
                    HANDED_OFF,
                    AWAITING_APPROVAL,
                    APPROVED,
                    REJECTED,
                    OFFBOARDING,
                    OFFBOARDED,
                    OFFBOARD_FAILED,
                    AWAITING_ROLLOUT -> {
                if (event.planId() == null) {
                    throw new IllegalArgumentException(
                            event.type() + " status event " + event.eventId() + " names no plan");
                }
                if (event.target() != null && event.target().kind() == null) {
                    throw new IllegalArgumentException(
                            event.type() + " status event " + event.eventId() + ": its target has no kind");
                }
            }
            case SUPERSEDED -> {
                // nothing is read of it
            }
        }
    }

    private static void id(String field, String value, int max, boolean required) {
        if (value == null) {
            if (required) {
                throw new IllegalArgumentException("status event has no " + field);
            }
            return;
        }
        // ids the planner and executors mint (UUIDs) and node ids (the registration pattern), in their columns' widths
        if (!SafeIds.isSafe(value, max)) {
            throw new IllegalArgumentException("status event " + field + " must be 1 to " + max
                    + " characters of A-Za-z0-9._:/@+=~-, got " + value.length() + ": " + LogSafe.of(value, 64));
        }
    }

    /**
     * Applies a consumer batch in order, with one statement for the batch's timeline entries and one for its decisions
     * (the newest per node: applied one by one, a later or equally new decision replaces an earlier one, so only the
     * newest can remain). Executor progress, a few events per plan, is applied event by event. An event whose id the
     * timeline already holds (a redelivery, a replay, a second send by an outbox relay that crashed before deleting its
     * row) changes nothing: the timeline, keyed by event id, is the record of what was applied, in the same transaction
     * as the effect, so no processed mark of its own is needed. Returns how many events were new.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public int applyAll(List<StatusEvent> events) {
        List<Row> rows = new ArrayList<>(events.size());
        for (StatusEvent event : events) {
            check(event);
            rows.add(Row.of(event));
        }
        Set<String> recorded = record(rows);
        List<Row> fresh = new ArrayList<>(recorded.size());
        Map<String, StatusEvent> newestDecision = new LinkedHashMap<>();
        for (Row row : rows) {
            StatusEvent event = row.event();
            if (!recorded.remove(event.eventId())) {
                continue; // applied before, or earlier in this batch
            }
            fresh.add(row);
            switch (event.type()) {
                case PLANNED, BLOCKED ->
                    newestDecision.merge(
                            event.decision().nodeId(),
                            event,
                            (kept, next) -> decidedAt(next).isBefore(decidedAt(kept)) ? kept : next);
                case STARTED, STEP_SUCCEEDED, RETRYING -> applyPlanProgress(event, OnboardingState.IN_PROGRESS);
                case SUCCEEDED -> applyPlanProgress(event, OnboardingState.SUCCEEDED);
                case FAILED -> applyPlanProgress(event, OnboardingState.FAILED);
                case HANDED_OFF -> applyPlanProgress(event, OnboardingState.HANDED_OFF);
                case OFFBOARDING -> applyPlanProgress(event, OnboardingState.OFFBOARDING);
                case OFFBOARDED -> applyPlanProgress(event, OnboardingState.OFFBOARDED);
                case OFFBOARD_FAILED -> applyPlanProgress(event, OnboardingState.OFFBOARD_FAILED);
                case AWAITING_APPROVAL -> applyApproval(event, OnboardingState.AWAITING_APPROVAL);
                case APPROVED -> applyApproval(event, null);
                case REJECTED -> applyApproval(event, OnboardingState.REJECTED);
                case AWAITING_ROLLOUT -> applyRolloutHold(event);
                case SUPERSEDED -> {
                    // a superseded plan's nodes receive their new decision as its own PLANNED or BLOCKED event
                }
            }
        }
        applyDecisions(newestDecision.values());
        // plan progress is written here, not at commit: a value PostgreSQL refuses fails inside the transaction with
        // its SQL cause, which tells the consumer the events are at fault, not the database
        entityManager.flush();
        for (Row row : fresh) {
            StatusEvent event = row.event();
            live.afterCommit(new LiveEvent(
                    "STATUS",
                    row.nodeId(),
                    row.planId(),
                    event.type().name(),
                    row.route(),
                    event.step(),
                    event.detail(),
                    event.correlationId(),
                    row.occurredAt()));
        }
        return fresh.size();
    }

    /** What the timeline keeps of an event: node, plan and route from the event, else from its decision. */
    private record Row(StatusEvent event, String nodeId, String planId, String route, Instant occurredAt) {
        static Row of(StatusEvent event) {
            Decision decision = event.decision();
            String nodeId = event.nodeId() != null ? event.nodeId() : decision != null ? decision.nodeId() : null;
            String planId = event.planId() != null ? event.planId() : decision != null ? decision.planId() : null;
            String route = event.route() != null
                    ? event.route().name()
                    : decision != null && decision.route() != null
                            ? decision.route().name()
                            : null;
            return new Row(
                    event, nodeId, planId, route, event.occurredAt() != null ? event.occurredAt() : Instant.now());
        }
    }

    private static Instant decidedAt(StatusEvent event) {
        return event.decision().decidedAt() != null ? event.decision().decidedAt() : event.occurredAt();
    }

    /**
     * The timeline entries, one statement; an event id seen before (a redelivery) is kept once. The ids of the entries
     * this statement wrote: the events not applied before.
     */
    private Set<String> record(List<Row> rows) {
        @SuppressWarnings("unchecked")
        List<Object> written = entityManager
                .createNativeQuery("""
                insert into status_event (event_id, node_id, plan_id, type, route, step, attempt, sequence, detail,
                    correlation_id, occurred_at)
                select * from unnest(cast(:eventIds as varchar[]), cast(:nodeIds as varchar[]), cast(:planIds as varchar[]),
                    cast(:types as varchar[]), cast(:routes as varchar[]), cast(:steps as varchar[]),
                    cast(cast(:attempts as varchar[]) as integer[]), cast(cast(:sequences as varchar[]) as bigint[]),
                    cast(:details as text[]), cast(:correlationIds as varchar[]),
                    cast(cast(:occurredAts as varchar[]) as timestamptz[]))
                on conflict do nothing
                returning event_id""")
                .setParameter("eventIds", column(rows, r -> r.event().eventId()))
                .setParameter("nodeIds", column(rows, Row::nodeId))
                .setParameter("planIds", column(rows, Row::planId))
                .setParameter("types", column(rows, r -> r.event().type().name()))
                .setParameter("routes", column(rows, Row::route))
                .setParameter("steps", column(rows, r -> r.event().step()))
                .setParameter(
                        "attempts",
                        column(
                                rows,
                                r -> r.event().attempt() == null
                                        ? null
                                        : r.event().attempt().toString()))
                .setParameter(
                        "sequences", column(rows, r -> Long.toString(r.event().sequence())))
                .setParameter("details", column(rows, r -> r.event().detail()))
                .setParameter("correlationIds", column(rows, r -> r.event().correlationId()))
                .setParameter("occurredAts", column(rows, r -> r.occurredAt().toString()))
                .getResultList();
        Set<String> ids = new HashSet<>(written.size() * 2);
        written.forEach(id -> ids.add((String) id));
        return ids;
    }

    /**
     * Each node's newest decision of the batch, one statement into the narrow {@code latest_decision} table (V11); a
     * node holding a newer one keeps it, and a decision for a node the registry does not hold is dropped.
     */
    private void applyDecisions(Collection<StatusEvent> decisions) {
        if (decisions.isEmpty()) {
            return;
        }
        List<StatusEvent> events = List.copyOf(decisions);
        entityManager
                .createNativeQuery("""
                insert into latest_decision as d (node_id, route, target_kind, target_id, degraded, plan_id,
                    decision_state, decision, decided_at)
                select v.node_id, v.route, v.target_kind, v.target_id, v.degraded, v.plan_id, v.state, v.decision,
                    v.decided_at
                from unnest(cast(:nodeIds as varchar[]), cast(:routes as varchar[]), cast(:targetKinds as varchar[]),
                    cast(:targetIds as varchar[]), cast(cast(:degraded as varchar[]) as boolean[]),
                    cast(:planIds as varchar[]), cast(:states as varchar[]), cast(:decisions as text[]),
                    cast(cast(:decidedAts as varchar[]) as timestamptz[]))
                    as v(node_id, route, target_kind, target_id, degraded, plan_id, state, decision, decided_at)
                where exists (select 1 from node n where n.node_id = v.node_id)
                on conflict (node_id) do update set route = excluded.route, target_kind = excluded.target_kind,
                    target_id = excluded.target_id, degraded = excluded.degraded, plan_id = excluded.plan_id,
                    decision_state = excluded.decision_state, decision = excluded.decision,
                    decided_at = excluded.decided_at
                where d.decided_at <= excluded.decided_at""")
                .setParameter("nodeIds", column(events, e -> e.decision().nodeId()))
                .setParameter("routes", column(events, e -> e.decision().route().name()))
                .setParameter(
                        "targetKinds",
                        column(
                                events,
                                e -> e.decision().target() == null
                                        ? null
                                        : e.decision().target().kind().name()))
                .setParameter(
                        "targetIds",
                        column(
                                events,
                                e -> e.decision().target() == null
                                        ? null
                                        : e.decision().target().id()))
                .setParameter(
                        "degraded",
                        column(events, e -> Boolean.toString(e.decision().degraded())))
                .setParameter("planIds", column(events, e -> e.decision().planId()))
                .setParameter(
                        "states",
                        column(
                                events,
                                e -> (e.type() == StatusType.BLOCKED
                                                ? OnboardingState.BLOCKED
                                                : OnboardingState.PLANNED)
                                        .name()))
                .setParameter("decisions", column(events, e -> toJson(e.decision())))
                .setParameter("decidedAts", column(events, e -> decidedAt(e).toString()))
                .executeUpdate();
    }

    private static <T> String[] column(List<T> rows, Function<T, String> value) {
        String[] column = new String[rows.size()];
        for (int i = 0; i < column.length; i++) {
            column[i] = value.apply(rows.get(i));
        }
        return column;
    }

    private void applyPlanProgress(StatusEvent event, OnboardingState state) {
        PlanStatusEntity plan = entityManager.find(PlanStatusEntity.class, event.planId());
        boolean known = plan != null;
        if (!known) {
            plan = new PlanStatusEntity();
            plan.planId = event.planId();
            plan.sequence = Long.MIN_VALUE;
        }
        if (event.sequence() <= plan.sequence) {
            return;
        }
        if (plan.held == OnboardingState.AWAITING_ROLLOUT
                && (event.type() == StatusType.STARTED || event.type() == StatusType.OFFBOARDING)) {
            // the rollout released it: an execution of it began
            plan.held = null;
        }
        plan.route = event.route() == null ? plan.route : event.route().name();
        plan.targetKind =
                event.target() == null ? plan.targetKind : event.target().kind().name();
        plan.targetId = event.target() == null ? plan.targetId : event.target().id();
        plan.state = state;
        plan.lastType = event.type().name();
        plan.step = event.step();
        plan.detail = event.detail();
        plan.sequence = event.sequence();
        plan.updatedAt = event.occurredAt() != null ? event.occurredAt() : Instant.now();
        if (!known) {
            entityManager.persist(plan);
        }
    }

    /**
     * The planner's approval event of a plan: who and when, and the state it holds the plan's nodes in ({@code held},
     * null once approved). Applied in the order the planner made them: an event older than the one applied changes
     * nothing. Executor progress is left as it is.
     */
    private void applyApproval(StatusEvent event, OnboardingState held) {
        PlanStatusEntity plan = entityManager.find(PlanStatusEntity.class, event.planId());
        boolean known = plan != null;
        Instant at = event.occurredAt() != null ? event.occurredAt() : Instant.now();
        if (!known) {
            plan = new PlanStatusEntity();
            plan.planId = event.planId();
            plan.sequence = Long.MIN_VALUE;
            plan.updatedAt = at;
        }
        if (plan.approvalAt != null && at.isBefore(plan.approvalAt)) {
            return;
        }
        plan.route = plan.route != null || event.route() == null
                ? plan.route
                : event.route().name();
        plan.targetKind = plan.targetKind != null || event.target() == null
                ? plan.targetKind
                : event.target().kind().name();
        plan.targetId = plan.targetId != null || event.target() == null
                ? plan.targetId
                : event.target().id();
        plan.held = held;
        plan.approval = event.type().name();
        plan.approvalBy = event.actor();
        plan.approvalAt = at;
        plan.approvalDetail = event.detail();
        if (!known) {
            entityManager.persist(plan);
        }
    }

    /**
     * The planner holds the plan's approved revision for a rollout: its nodes show AWAITING_ROLLOUT until an execution
     * of it starts. The approval (who, when) stays as it is; an event older than the last approval event is late and
     * changes nothing.
     */
    private void applyRolloutHold(StatusEvent event) {
        PlanStatusEntity plan = entityManager.find(PlanStatusEntity.class, event.planId());
        boolean known = plan != null;
        Instant at = event.occurredAt() != null ? event.occurredAt() : Instant.now();
        if (!known) {
            plan = new PlanStatusEntity();
            plan.planId = event.planId();
            plan.sequence = Long.MIN_VALUE;
            plan.updatedAt = at;
            plan.route = event.route() == null ? null : event.route().name();
            plan.targetKind =
                    event.target() == null ? null : event.target().kind().name();
            plan.targetId = event.target() == null ? null : event.target().id();
        }
        if (plan.approvalAt != null && at.isBefore(plan.approvalAt)) {
            return;
        }
        plan.held = OnboardingState.AWAITING_ROLLOUT;
        if (!known) {
            entityManager.persist(plan);
        }
    }

    private String toJson(Decision d) {
        try {
            return mapper.writeValueAsString(d);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("decision for " + d.nodeId() + " cannot be stored", e);
        }
    }
}
