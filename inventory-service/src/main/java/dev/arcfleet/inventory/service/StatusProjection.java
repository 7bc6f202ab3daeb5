package dev.arcfleet.inventory.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arcfleet.contracts.Decision;
import dev.arcfleet.contracts.OnboardingState;
import dev.arcfleet.contracts.StatusEvent;
import dev.arcfleet.inventory.persistence.PlanStatusEntity;
import dev.arcfleet.inventory.live.LiveEvent;
import dev.arcfleet.inventory.live.LiveEvents;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.time.Instant;

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

    /** What {@link #apply} needs of an event; an event without it is poison (IllegalArgumentException says why). */
    public static void check(StatusEvent event) {
        if (event.type() == null) {
            throw new IllegalArgumentException("status event " + event.eventId() + " has no type");
        }
        switch (event.type()) {
            case PLANNED, BLOCKED -> {
                if (event.decision() == null || event.decision().nodeId() == null) {
                    throw new IllegalArgumentException(event.type() + " status event " + event.eventId() + " carries no decision");
                }
            }
            case STARTED, STEP_SUCCEEDED, RETRYING, SUCCEEDED, FAILED -> {
                if (event.planId() == null) {
                    throw new IllegalArgumentException(event.type() + " status event " + event.eventId() + " names no plan");
                }
            }
            case SUPERSEDED -> {
                // nothing is read of it
            }
        }
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void apply(StatusEvent event) {
        check(event);
        Decision decision = event.decision();
        String nodeId = event.nodeId() != null ? event.nodeId() : decision != null ? decision.nodeId() : null;
        String planId = event.planId() != null ? event.planId() : decision != null ? decision.planId() : null;
        String route = event.route() != null ? event.route().name()
                : decision != null && decision.route() != null ? decision.route().name() : null;
        Instant occurredAt = event.occurredAt() != null ? event.occurredAt() : Instant.now();
        record(event, nodeId, planId, route, occurredAt);
        switch (event.type()) {
            case PLANNED, BLOCKED -> applyDecision(event);
            case STARTED, STEP_SUCCEEDED, RETRYING -> applyPlanProgress(event, OnboardingState.IN_PROGRESS);
            case SUCCEEDED -> applyPlanProgress(event, OnboardingState.SUCCEEDED);
            case FAILED -> applyPlanProgress(event, OnboardingState.FAILED);
            case SUPERSEDED -> {
                // a superseded plan's nodes receive their new decision as its own PLANNED or BLOCKED event
            }
        }
        live.afterCommit(new LiveEvent("STATUS", nodeId, planId, event.type().name(), route, event.step(), event.detail(),
                event.correlationId(), occurredAt));
    }

    /** The timeline entry; an event id seen before (a redelivery) is kept once. */
    private void record(StatusEvent event, String nodeId, String planId, String route, Instant occurredAt) {
        entityManager.createNativeQuery("""
                insert into status_event (event_id, node_id, plan_id, type, route, step, attempt, sequence, detail,
                    correlation_id, occurred_at)
                values (:eventId, :nodeId, :planId, :type, :route, :step, :attempt, :sequence, :detail, :correlationId,
                    :occurredAt)
                on conflict do nothing""")
                .setParameter("eventId", event.eventId())
                .setParameter("nodeId", nodeId)
                .setParameter("planId", planId)
                .setParameter("type", event.type().name())
                .setParameter("route", route)
                .setParameter("step", event.step())
                .setParameter("attempt", event.attempt())
                .setParameter("sequence", event.sequence())
                .setParameter("detail", event.detail())
                .setParameter("correlationId", event.correlationId())
                .setParameter("occurredAt", occurredAt)
                .executeUpdate();
    }

    private void applyDecision(StatusEvent event) {
        Decision d = event.decision(); // present: apply checked the event
        Instant decidedAt = d.decidedAt() != null ? d.decidedAt() : event.occurredAt();
        entityManager.createQuery("""
                update NodeEntity set route = :route, targetKind = :targetKind, targetId = :targetId, degraded = :degraded,
                    planId = :planId, decisionState = :state, decision = :decision, decidedAt = :decidedAt
                where nodeId = :nodeId and (decidedAt is null or decidedAt <= :decidedAt)""")
                .setParameter("route", d.route().name())
                .setParameter("targetKind", d.target() == null ? null : d.target().kind().name())
                .setParameter("targetId", d.target() == null ? null : d.target().id())
                .setParameter("degraded", d.degraded())
                .setParameter("planId", d.planId())
                .setParameter("state", event.type() == dev.arcfleet.contracts.StatusType.BLOCKED
                        ? OnboardingState.BLOCKED : OnboardingState.PLANNED)
                .setParameter("decision", toJson(d))
                .setParameter("decidedAt", decidedAt)
                .setParameter("nodeId", d.nodeId())
                .executeUpdate();
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
        plan.route = event.route() == null ? plan.route : event.route().name();
        plan.targetKind = event.target() == null ? plan.targetKind : event.target().kind().name();
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

    private String toJson(Decision d) {
        try {
            return mapper.writeValueAsString(d);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("decision for " + d.nodeId() + " cannot be stored", e);
        }
    }
}
