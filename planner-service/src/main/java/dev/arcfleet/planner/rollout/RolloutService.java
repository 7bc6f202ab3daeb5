package dev.arcfleet.planner.rollout;

import dev.arcfleet.contracts.EventIds;
import dev.arcfleet.contracts.EventTypes;
import dev.arcfleet.contracts.RolloutState;
import dev.arcfleet.contracts.StatusEvent;
import dev.arcfleet.contracts.StatusType;
import dev.arcfleet.contracts.Topics;
import dev.arcfleet.planner.plan.PlanBook;
import dev.arcfleet.planner.plan.PlanningService;
import dev.arcfleet.support.log.LogSafe;
import dev.arcfleet.support.outbox.Outbox;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Rollouts in PostgreSQL, driven by the rules of {@link Rollouts}: executor outcomes of released plans are recorded as
 * the planner consumes them ({@link #onStatus}), and a timer ({@code planner.rollouts.tick}) re-reads every rollout
 * that holds plans and advances it (deadlines, thresholds, soak, the next batch, releases), each in its own
 * transaction with the rollout row locked. Nothing lives only in memory: a restarted planner carries on. Each change
 * of a rollout (its state, batch or a member's outcome) publishes its {@link RolloutState} on
 * {@code onboarding.rollouts} through the outbox, in the transaction that made it.
 */
@ApplicationScoped
public class RolloutService {
    private final PlanningService planning;
    private final RolloutGate gate;
    private final Outbox outbox;

    public RolloutService(PlanningService planning, RolloutGate gate, Outbox outbox) {
        this.planning = planning;
        this.gate = gate;
        this.outbox = outbox;
    }

    /** Why resuming or aborting a rollout changed nothing and cannot. */
    public static final class NotApplicable extends RuntimeException {
        public NotApplicable(String message) {
            super(message);
        }
    }

    /** A rollout with its members, as read. */
    public record Loaded(RolloutEntity entity, Rollouts.Rollout rollout, List<Rollouts.Member> members) {}

    @Transactional
    public Loaded create(String name, Rollouts.Spec spec, String by) {
        RolloutEntity e = new RolloutEntity();
        e.rolloutId = "ro-" + UUID.randomUUID();
        e.name = name;
        e.spec = gate.json(spec);
        e.state = Rollouts.State.ACTIVE.name();
        e.batch = 0;
        e.createdBy = by;
        e.createdAt = now();
        e.updatedAt = e.createdAt;
        e.persist();
        publish(e, List.of());
        Log.infof("rollout %s created by %s", e.rolloutId, LogSafe.of(by));
        return new Loaded(e, gate.rollout(e), List.of());
    }

    @Transactional
    public List<Loaded> list() {
        return RolloutEntity.<RolloutEntity>list("order by createdAt desc, rolloutId").stream()
                .map(e -> new Loaded(e, gate.rollout(e), members(e.rolloutId)))
                .toList();
    }

    @Transactional
    public Loaded get(String rolloutId) {
        RolloutEntity e = RolloutEntity.findById(rolloutId);
        return e == null ? null : new Loaded(e, gate.rollout(e), members(rolloutId));
    }

    /** {@code by} resumes a SUSPENDED rollout (recorded); resuming one ACTIVE or SOAKING changes nothing. */
    @Transactional
    public Loaded resume(String rolloutId, String by) {
        RolloutEntity e = RolloutEntity.findById(rolloutId, LockModeType.PESSIMISTIC_WRITE);
        if (e == null) {
            return null;
        }
        Rollouts.Rollout r = gate.rollout(e);
        if (!Rollouts.resumable(r)) {
            throw new NotApplicable("rollout " + rolloutId + " is " + r.state() + ": only a SUSPENDED rollout resumes");
        }
        if (r.state() == Rollouts.State.SUSPENDED) {
            Rollouts.Rollout resumed = Rollouts.resume(r);
            copy(resumed, e);
            e.resumedBy = by;
            e.resumedAt = now();
            publish(e, members(rolloutId));
            Log.infof("rollout %s resumed by %s at batch %d", rolloutId, LogSafe.of(by), r.batch());
        }
        return new Loaded(e, gate.rollout(e), members(rolloutId));
    }

    /** {@code by} aborts the rollout (recorded): nothing more is released; aborting an ABORTED one changes nothing. */
    @Transactional
    public Loaded abort(String rolloutId, String by) {
        RolloutEntity e = RolloutEntity.findById(rolloutId, LockModeType.PESSIMISTIC_WRITE);
        if (e == null) {
            return null;
        }
        Rollouts.Rollout r = gate.rollout(e);
        if (!Rollouts.abortable(r)) {
            throw new NotApplicable("rollout " + rolloutId + " is COMPLETED: there is nothing left to abort");
        }
        if (r.state() != Rollouts.State.ABORTED) {
            copy(Rollouts.abort(r), e);
            e.abortedBy = by;
            e.abortedAt = now();
            publish(e, members(rolloutId));
            Log.infof("rollout %s aborted by %s at batch %d", rolloutId, LogSafe.of(by), r.batch());
        }
        return new Loaded(e, gate.rollout(e), members(rolloutId));
    }

    /** Records the executor's outcome (SUCCEEDED, FAILED) of a plan a rollout released; in the consumer's transaction. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void onStatus(StatusEvent event) {
        if (event.planId() == null
                || event.nodeId() != null
                || event.type() != StatusType.SUCCEEDED && event.type() != StatusType.FAILED) {
            return;
        }
        for (RolloutPlanEntity m : RolloutPlanEntity.<RolloutPlanEntity>find(
                        "planId = ?1 and releasedAt is not null", event.planId())
                .withLock(LockModeType.PESSIMISTIC_WRITE)
                .list()) {
            Rollouts.Member changed =
                    Rollouts.onOutcome(member(m), event.type() == StatusType.SUCCEEDED, event.detail());
            if (changed != null) {
                m.outcome = changed.outcome().name();
                m.detail = changed.detail();
                // the rollout row is not written here (the timer locks it before its members): only its counts changed
                RolloutEntity e = RolloutEntity.findById(m.rolloutId);
                if (e != null) {
                    outbox.publish(
                            Topics.ROLLOUTS,
                            e.rolloutId,
                            EventTypes.ROLLOUT_STATE,
                            EventIds.next(),
                            e.rolloutId,
                            state(e, members(m.rolloutId), now()));
                }
            }
        }
    }

    /** The timer: advances every rollout that holds plans, one transaction each. */
    @Scheduled(
            every = "${planner.rollouts.tick:5s}",
            delayed = "${planner.rollouts.tick:5s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void tick() {
        List<String> ids = QuarkusTransaction.requiringNew()
                .call(() ->
                        RolloutEntity.<RolloutEntity>list(
                                        "state in ?1 order by createdAt, rolloutId", RolloutGate.HOLDING)
                                .stream()
                                .map(e -> e.rolloutId)
                                .toList());
        for (String id : ids) {
            QuarkusTransaction.requiringNew().run(() -> advance(id));
        }
    }

    /** One step of the rollout (the rollout row locked): see {@link Rollouts#advance}. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void advance(String rolloutId) {
        RolloutEntity e = RolloutEntity.findById(rolloutId, LockModeType.PESSIMISTIC_WRITE);
        if (e == null) {
            return;
        }
        Rollouts.Rollout r = gate.rollout(e);
        if (!r.state().holds()) {
            return;
        }
        Map<String, RolloutPlanEntity> rows = new HashMap<>();
        List<Rollouts.Member> members = new ArrayList<>();
        for (RolloutPlanEntity m : RolloutPlanEntity.<RolloutPlanEntity>find(
                        "rolloutId = ?1 order by planId", rolloutId)
                .withLock(LockModeType.PESSIMISTIC_WRITE)
                .list()) {
            rows.put(m.planId, m);
            members.add(member(m));
        }
        Instant now = now();
        List<Rollouts.Candidate> held = r.state() == Rollouts.State.SUSPENDED ? List.of() : held(r);
        Rollouts.Step step = Rollouts.advance(r, members, held, now);
        Set<String> released = planning.releaseHeld(step.release(), rolloutId);
        for (Rollouts.Member m : step.changed()) {
            RolloutPlanEntity row = rows.get(m.planId());
            boolean known = row != null;
            if (!known) {
                row = new RolloutPlanEntity();
                row.rolloutId = rolloutId;
                row.planId = m.planId();
            }
            row.batch = m.batch();
            row.releasedAt = m.releasedAt();
            row.outcome = m.outcome() == null ? null : m.outcome().name();
            row.detail = m.detail();
            if (step.release().contains(m.planId()) && !released.contains(m.planId())) {
                row.outcome = Rollouts.Outcome.FAILED.name();
                row.detail = "no longer held for the rollout when its batch released it";
            }
            if (!known) {
                row.persist();
            }
        }
        if (!step.rollout().equals(r) || !step.changed().isEmpty()) {
            copy(step.rollout(), e);
            publish(e, members(rolloutId));
            if (step.rollout().state() != r.state() || step.rollout().batch() != r.batch()) {
                Log.infof(
                        "rollout %s: %s batch %d -> %s batch %d%s",
                        rolloutId,
                        r.state(),
                        r.batch(),
                        step.rollout().state(),
                        step.rollout().batch(),
                        step.rollout().reason() == null
                                ? ""
                                : " (" + step.rollout().reason() + ")");
            }
        }
        if (!released.isEmpty()) {
            Log.infof(
                    "rollout %s released %d plans of batch %d",
                    rolloutId, released.size(), step.rollout().batch());
        }
    }

    /** The held plans this rollout selects that no other rollout holding plans took into a batch not released yet. */
    private List<Rollouts.Candidate> held(Rollouts.Rollout r) {
        List<PlanBook.Plan> plans = planning.heldPlans();
        if (plans.isEmpty()) {
            return List.of();
        }
        Set<String> claimed = new HashSet<>(RolloutPlanEntity.<RolloutPlanEntity>list(
                        "releasedAt is null and rolloutId <> ?1 and rolloutId in (select r.rolloutId from RolloutEntity r"
                                + " where r.state in ?2)",
                        r.id(),
                        RolloutGate.HOLDING)
                .stream()
                .map(m -> m.planId)
                .toList());
        boolean labels = !r.spec().selector().labels().isEmpty()
                || r.spec().batches().stream()
                        .anyMatch(b ->
                                b.selector() != null && !b.selector().labels().isEmpty());
        List<Rollouts.Candidate> candidates = new ArrayList<>();
        for (PlanBook.Plan plan : plans) {
            if (claimed.contains(plan.planId())) {
                continue;
            }
            Collection<Map<String, String>> nodeLabels = labels ? planning.nodeLabels(plan) : List.of();
            if (Rollouts.holds(r, plan, nodeLabels)) {
                candidates.add(new Rollouts.Candidate(plan, nodeLabels));
            }
        }
        return candidates;
    }

    /** The rollout's state as published on {@code onboarding.rollouts}. */
    public RolloutState state(RolloutEntity e, List<Rollouts.Member> members, Instant updatedAt) {
        Rollouts.Rollout r = gate.rollout(e);
        List<RolloutState.Batch> batches = new ArrayList<>();
        for (int number = 1; number <= r.batch(); number++) {
            Rollouts.Counts c = Rollouts.counts(members, number);
            batches.add(new RolloutState.Batch(
                    number,
                    r.spec().thresholdOf(number),
                    c.plans(),
                    c.released(),
                    c.succeeded(),
                    c.failed(),
                    c.timedOut(),
                    c.running(),
                    Rollouts.failures(members, number).stream()
                            .map(m -> new RolloutState.Failure(
                                    m.planId(), m.outcome().name(), m.detail()))
                            .toList()));
        }
        return new RolloutState(
                EventIds.next(),
                e.rolloutId,
                e.name,
                e.state,
                r.batch(),
                r.spec().batchCount(),
                e.reason,
                batches,
                updatedAt);
    }

    private void publish(RolloutEntity e, List<Rollouts.Member> members) {
        RolloutState state = state(e, members, e.updatedAt);
        outbox.publish(Topics.ROLLOUTS, e.rolloutId, EventTypes.ROLLOUT_STATE, state.eventId(), e.rolloutId, state);
    }

    private List<Rollouts.Member> members(String rolloutId) {
        return RolloutPlanEntity.<RolloutPlanEntity>list("rolloutId = ?1 order by batch, planId", rolloutId).stream()
                .map(RolloutService::member)
                .toList();
    }

    private static Rollouts.Member member(RolloutPlanEntity m) {
        return new Rollouts.Member(
                m.planId,
                m.batch,
                m.releasedAt,
                m.outcome == null ? null : Rollouts.Outcome.valueOf(m.outcome),
                m.detail);
    }

    private static void copy(Rollouts.Rollout r, RolloutEntity e) {
        e.state = r.state().name();
        e.batch = r.batch();
        e.soakUntil = r.soakUntil();
        e.reason = r.reason();
        e.resumedBatch = r.resumedBatch();
        e.updatedAt = now();
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
