package dev.arcfleet.planner.rollout;

import dev.arcfleet.planner.decide.Policy;
import dev.arcfleet.planner.plan.PlanBook;
import dev.arcfleet.planner.plan.PlanState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The rollout rules, as plain values in and out: which held plans form the next batch, which of a batch's plans to
 * release next (under the concurrency cap), when an execution counts as timed out, when a batch falls below its
 * success threshold (the rollout is SUSPENDED, with why), soaks, and completes. The caller loads the rollout, its
 * members and the plans held for rollouts, calls these rules and writes back what they return.
 */
public final class Rollouts {
    private Rollouts() {}

    public enum State {
        /** Releasing the current batch (or, at batch 0, waiting for its first held plan). */
        ACTIVE,
        /** The current batch succeeded; the next starts when the soak time is over. */
        SOAKING,
        /** A batch fell below its threshold: nothing new is released until an operator resumes or aborts. */
        SUSPENDED,
        ABORTED,
        COMPLETED;

        /** True while the rollout holds the plans it selects. */
        public boolean holds() {
            return this == ACTIVE || this == SOAKING || this == SUSPENDED;
        }
    }

    public enum Outcome {
        SUCCEEDED,
        FAILED,
        TIMED_OUT
    }

    /** One listed batch: {@code count} plans or {@code percent} of the rollout's plans; its own selector and threshold. */
    public record Batch(Integer count, Integer percent, PlanBook.Selector selector, Integer threshold) {}

    /**
     * What an operator asked for: the plans ({@code selector}), the listed batches (the plans left after them form the
     * last batch), the success threshold in percent, the soak and progress deadline in seconds, the concurrency cap.
     */
    public record Spec(
            PlanBook.Selector selector,
            List<Batch> batches,
            int threshold,
            long soakSeconds,
            long deadlineSeconds,
            int maxConcurrent) {
        public Spec {
            batches = List.copyOf(batches);
        }

        /** The listed batches and the remainder batch. */
        public int batchCount() {
            return batches.size() + 1;
        }

        /** The success threshold of batch {@code number} (1-based). */
        public int thresholdOf(int number) {
            Integer own = number <= batches.size() ? batches.get(number - 1).threshold() : null;
            return own != null ? own : threshold;
        }
    }

    /**
     * A rollout: its state, the current batch (1-based; 0 before the first), when soaking ends, why it is suspended,
     * and the batch an operator resumed (its threshold no longer suspends it; 0 when none).
     */
    public record Rollout(
            String id, Spec spec, State state, int batch, Instant soakUntil, String reason, int resumedBatch) {
        Rollout with(State newState, int newBatch, Instant newSoakUntil, String newReason) {
            return new Rollout(id, spec, newState, newBatch, newSoakUntil, newReason, resumedBatch);
        }
    }

    /** A plan of a rollout: its batch, when released (null: not yet), and its outcome with the executor's reason. */
    public record Member(String planId, int batch, Instant releasedAt, Outcome outcome, String detail) {
        Member released(Instant at) {
            return new Member(planId, batch, at, outcome, detail);
        }

        Member finished(Outcome newOutcome, String newDetail) {
            return new Member(planId, batch, releasedAt, newOutcome, newDetail);
        }

        boolean running() {
            return releasedAt != null && outcome == null;
        }
    }

    /** A plan held for a rollout, with the labels of its nodes (for label selectors). */
    public record Candidate(PlanBook.Plan plan, Collection<Map<String, String>> labels) {}

    /** A batch's counts: its plans, released, succeeded, failed, timed out, running. */
    public record Counts(int batch, int plans, int released, int succeeded, int failed, int timedOut, int running) {
        /** True while enough plans may still succeed to reach {@code threshold} percent. */
        boolean canReach(int threshold) {
            return (long) (plans - failed - timedOut) * 100 >= (long) threshold * plans;
        }

        boolean finished() {
            return plans > 0 && succeeded + failed + timedOut == plans;
        }
    }

    /** What changed: the rollout in its new state, the members added or changed, the plans to release now. */
    public record Step(Rollout rollout, List<Member> changed, List<String> release) {
        public Step {
            changed = List.copyOf(changed);
            release = List.copyOf(release);
        }
    }

    /** The counts of batch {@code number} among {@code members}. */
    public static Counts counts(Collection<Member> members, int number) {
        int plans = 0, released = 0, succeeded = 0, failed = 0, timedOut = 0, running = 0;
        for (Member m : members) {
            if (m.batch() != number) {
                continue;
            }
            plans++;
            released += m.releasedAt() != null ? 1 : 0;
            running += m.running() ? 1 : 0;
            if (m.outcome() != null) {
                switch (m.outcome()) {
                    case SUCCEEDED -> succeeded++;
                    case FAILED -> failed++;
                    case TIMED_OUT -> timedOut++;
                }
            }
        }
        return new Counts(number, plans, released, succeeded, failed, timedOut, running);
    }

    /** True when the rollout holds this plan (a plan not yet one of its members that its selector selects). */
    public static boolean holds(Rollout rollout, PlanBook.Plan plan, Collection<Map<String, String>> labels) {
        return rollout.state().holds() && rollout.spec().selector().selects(plan, labels);
    }

    /**
     * The rollout gate of an approved plan on its release path: held (AWAITING_ROLLOUT) when a rollout of
     * {@code holding} (those that hold plans) selects it and has not released it, or when it is held already and none
     * of them released it. Else, under the policy's {@code rollouts.default} HOLD, it is held when it was never
     * published and no rollout ever released it ({@code releasedBy}: the ids of the rollouts that released it), so a
     * plan once released is never held again by the default. {@code labels}: its nodes' labels, asked for label
     * selectors only.
     */
    public static boolean gate(
            PlanBook.Plan plan,
            List<Rollout> holding,
            Collection<String> releasedBy,
            Function<PlanBook.Plan, Collection<Map<String, String>>> labels,
            Policy.RolloutDefault unmatched) {
        boolean releasedByHolding = holding.stream().anyMatch(r -> releasedBy.contains(r.id()));
        if (plan.state() == PlanState.AWAITING_ROLLOUT && !releasedByHolding) {
            return true;
        }
        for (Rollout r : holding) {
            if (!releasedBy.contains(r.id())
                    && holds(r, plan, r.spec().selector().labels().isEmpty() ? List.of() : labels.apply(plan))) {
                return true;
            }
        }
        return heldByDefault(plan, releasedBy, unmatched);
    }

    /**
     * True when the policy's default holds a plan no running rollout selects: HOLD, and the plan was never published
     * and never released by a rollout.
     */
    public static boolean heldByDefault(
            PlanBook.Plan plan, Collection<String> releasedBy, Policy.RolloutDefault unmatched) {
        return unmatched == Policy.RolloutDefault.HOLD && plan.publishedRevision() == null && releasedBy.isEmpty();
    }

    /**
     * One step at {@code now}: running executions past the progress deadline time out; a batch that can no longer
     * reach its threshold suspends the rollout; a finished batch soaks (the last completes the rollout); after the soak
     * the next batch is formed from {@code held} (the held plans this rollout selects, not members of any rollout
     * still running); and the current batch's plans are released up to the concurrency cap.
     */
    public static Step advance(Rollout rollout, List<Member> members, List<Candidate> held, Instant now) {
        if (!rollout.state().holds()) {
            return new Step(rollout, List.of(), List.of());
        }
        Spec spec = rollout.spec();
        List<Member> all = new ArrayList<>(members);
        List<Member> changed = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            Member m = all.get(i);
            if (m.running()
                    && !m.releasedAt().plusSeconds(spec.deadlineSeconds()).isAfter(now)) {
                Member late = m.finished(
                        Outcome.TIMED_OUT,
                        "no outcome within the progress deadline of " + spec.deadlineSeconds() + " s");
                all.set(i, late);
                changed.add(late);
            }
        }
        Rollout r = rollout;
        List<String> release = new ArrayList<>();
        if (r.state() == State.ACTIVE && r.batch() > 0) {
            Counts c = counts(all, r.batch());
            int threshold = spec.thresholdOf(r.batch());
            if (r.resumedBatch() != r.batch() && !c.canReach(threshold)) {
                return new Step(r.with(State.SUSPENDED, r.batch(), null, suspension(c, threshold)), changed, release);
            }
            if (c.finished()) {
                r = r.batch() >= spec.batchCount()
                        ? r.with(State.COMPLETED, r.batch(), null, null)
                        : r.with(State.SOAKING, r.batch(), now.plusSeconds(spec.soakSeconds()), null);
            }
        }
        if (r.state() == State.SOAKING && !r.soakUntil().isAfter(now) || r.state() == State.ACTIVE && r.batch() == 0) {
            r = nextBatch(r, all, held, changed);
        }
        if (r.state() == State.ACTIVE && r.batch() > 0) {
            int current = r.batch();
            int room = spec.maxConcurrent()
                    - (int) all.stream()
                            .filter(m -> m.batch() == current && m.running())
                            .count();
            List<Member> waiting = all.stream()
                    .filter(m -> m.batch() == current && m.releasedAt() == null)
                    .sorted(Comparator.comparing(Member::planId))
                    .limit(Math.max(0, room))
                    .toList();
            for (Member m : waiting) {
                Member out = m.released(now);
                replace(changed, out);
                release.add(m.planId());
            }
        }
        return new Step(r, changed, release);
    }

    /** The next batch that finds plans becomes current (ACTIVE); with none left after the last, the rollout completes. */
    private static Rollout nextBatch(Rollout r, List<Member> all, List<Candidate> held, List<Member> changed) {
        Spec spec = r.spec();
        Set<String> taken = new HashSet<>();
        all.forEach(m -> taken.add(m.planId()));
        List<Candidate> free = held.stream()
                .filter(c -> !taken.contains(c.plan().planId()))
                .sorted(Comparator.comparing(c -> c.plan().planId()))
                .toList();
        int total = all.size() + free.size();
        for (int number = r.batch() + 1; number <= spec.batchCount(); number++) {
            List<Candidate> pick;
            if (number <= spec.batches().size()) {
                Batch batch = spec.batches().get(number - 1);
                List<Candidate> eligible =
                        batch.selector() == null || batch.selector().empty()
                                ? free
                                : free.stream()
                                        .filter(c -> batch.selector().selects(c.plan(), c.labels()))
                                        .toList();
                int size =
                        batch.count() != null ? batch.count() : (int) Math.ceil(batch.percent() * (double) total / 100);
                pick = eligible.subList(0, Math.min(size, eligible.size()));
            } else {
                pick = free;
            }
            if (pick.isEmpty()) {
                if (number == 1) {
                    return r;
                }
                continue;
            }
            for (Candidate c : pick) {
                Member m = new Member(c.plan().planId(), number, null, null, null);
                all.add(m);
                changed.add(m);
            }
            return r.with(State.ACTIVE, number, null, null);
        }
        return r.with(State.COMPLETED, r.batch(), null, null);
    }

    /** Why a batch suspended the rollout: its counts, the threshold, and its failed plans with their reasons. */
    static String suspension(Counts c, int threshold) {
        return "batch " + c.batch() + " fell below its success threshold of " + threshold + "%: " + c.succeeded()
                + " succeeded, " + c.failed() + " failed, " + c.timedOut() + " timed out of " + c.plans() + " plans";
    }

    /** The failed and timed out plans of batch {@code number}, in plan id order. */
    public static List<Member> failures(Collection<Member> members, int number) {
        return members.stream()
                .filter(m -> m.batch() == number && (m.outcome() == Outcome.FAILED || m.outcome() == Outcome.TIMED_OUT))
                .sorted(Comparator.comparing(Member::planId))
                .toList();
    }

    /** An operator resumed a SUSPENDED rollout: its current batch no longer suspends it; others change nothing. */
    public static Rollout resume(Rollout r) {
        if (r.state() != State.SUSPENDED) {
            return r;
        }
        return new Rollout(r.id(), r.spec(), State.ACTIVE, r.batch(), null, null, r.batch());
    }

    /** True when an operator can resume it (already resumed, ACTIVE or SOAKING, changes nothing). */
    public static boolean resumable(Rollout r) {
        return r.state().holds();
    }

    /** An operator aborted it: nothing more is released; an ABORTED one stays so. */
    public static Rollout abort(Rollout r) {
        return r.state().holds() ? r.with(State.ABORTED, r.batch(), null, r.reason()) : r;
    }

    /** True when an operator can abort it: not COMPLETED. */
    public static boolean abortable(Rollout r) {
        return r.state() != State.COMPLETED;
    }

    /**
     * The executor's outcome of a released member: SUCCEEDED always counts (a retry that succeeded); FAILED counts
     * unless it already succeeded; a member not released or not changed gives null.
     */
    public static Member onOutcome(Member m, boolean succeeded, String detail) {
        if (m.releasedAt() == null) {
            return null;
        }
        if (succeeded) {
            return m.outcome() == Outcome.SUCCEEDED ? null : m.finished(Outcome.SUCCEEDED, detail);
        }
        return m.outcome() == null || m.outcome() == Outcome.TIMED_OUT ? m.finished(Outcome.FAILED, detail) : null;
    }

    private static void replace(List<Member> changed, Member m) {
        changed.removeIf(x -> x.planId().equals(m.planId()));
        changed.add(m);
    }
}
