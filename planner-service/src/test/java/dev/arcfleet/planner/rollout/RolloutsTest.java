package dev.arcfleet.planner.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arcfleet.contracts.Route;
import dev.arcfleet.contracts.Target;
import dev.arcfleet.contracts.TargetKind;
import dev.arcfleet.planner.decide.Policy;
import dev.arcfleet.planner.plan.PlanBook;
import dev.arcfleet.planner.rollout.Rollouts.Candidate;
import dev.arcfleet.planner.rollout.Rollouts.Member;
import dev.arcfleet.planner.rollout.Rollouts.Outcome;
import dev.arcfleet.planner.rollout.Rollouts.Rollout;
import dev.arcfleet.planner.rollout.Rollouts.Spec;
import dev.arcfleet.planner.rollout.Rollouts.State;
import dev.arcfleet.planner.rollout.Rollouts.Step;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RolloutsTest {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final PlanBook.Selector SITE = new PlanBook.Selector("ghent", null, null, null);

    static Candidate plan(String cluster, String site) {
        PlanBook.Plan p = PlanBook.Plan.fresh(Route.ARC_K8S, new Target(TargetKind.CLUSTER, cluster));
        p = new PlanBook.Plan(
                p.planId(),
                p.route(),
                p.target(),
                Set.of(),
                Map.of("site", site, "clusterId", cluster),
                null,
                "p",
                "r1",
                null,
                dev.arcfleet.planner.plan.PlanState.AWAITING_ROLLOUT,
                null,
                0,
                null,
                1,
                null);
        return new Candidate(p, List.of());
    }

    static List<Candidate> fleet(int size) {
        return IntStream.range(0, size)
                .mapToObj(i -> plan("c" + (100 + i), "ghent"))
                .toList();
    }

    static Rollout rollout(Spec spec) {
        return new Rollout("ro-1", spec, State.ACTIVE, 0, null, null, 0);
    }

    /** Applies a step's member changes to the members. */
    static List<Member> merge(List<Member> members, Step step) {
        List<Member> all = new ArrayList<>(members);
        for (Member m : step.changed()) {
            all.removeIf(x -> x.planId().equals(m.planId()));
            all.add(m);
        }
        return all;
    }

    static List<Member> finish(List<Member> members, Set<String> failing) {
        return members.stream()
                .map(m -> m.releasedAt() == null || m.outcome() != null
                        ? m
                        : Rollouts.onOutcome(
                                m, !failing.contains(m.planId()), failing.contains(m.planId()) ? "boom" : "ok"))
                .toList();
    }

    @Test
    void batchesFormInPlanIdOrderReleaseUnderTheCapAndSoakBetween() {
        List<Candidate> held = fleet(30);
        Spec spec = new Spec(
                SITE,
                List.of(new Rollouts.Batch(10, null, null, null), new Rollouts.Batch(null, 33, null, null)),
                100,
                60,
                600,
                4);
        Step s = Rollouts.advance(rollout(spec), List.of(), held, T0);
        assertThat(s.rollout().state()).isEqualTo(State.ACTIVE);
        assertThat(s.rollout().batch()).isEqualTo(1);
        assertThat(s.changed())
                .hasSize(10)
                .allSatisfy(m -> assertThat(m.batch()).isEqualTo(1));
        assertThat(s.release()).hasSize(4).isSorted();
        List<Member> members = merge(List.of(), s);

        Step again = Rollouts.advance(s.rollout(), members, held, T0);
        assertThat(again.release()).as("the cap holds while 4 run").isEmpty();
        members = finish(members, Set.of());
        Rollout r = s.rollout();
        for (int i = 0; i < 3; i++) {
            Step next = Rollouts.advance(r, members, held, T0);
            members = finish(merge(members, next), Set.of());
            r = next.rollout();
        }
        Step soak = Rollouts.advance(r, members, held, T0);
        assertThat(soak.rollout().state()).isEqualTo(State.SOAKING);
        assertThat(soak.rollout().soakUntil()).isEqualTo(T0.plusSeconds(60));
        assertThat(Rollouts.advance(soak.rollout(), members, held, T0.plusSeconds(59))
                        .rollout()
                        .state())
                .isEqualTo(State.SOAKING);
        Step second = Rollouts.advance(soak.rollout(), members, held, T0.plusSeconds(60));
        assertThat(second.rollout().batch()).isEqualTo(2);
        assertThat(second.changed()).as("33% of 30, rounded up").hasSize(10);
        assertThat(Rollouts.counts(merge(members, second), 2).plans()).isEqualTo(10);
    }

    @Test
    void aBatchThatCannotReachItsThresholdSuspendsWithWhyAndResumeCarriesOn() {
        List<Candidate> held = fleet(10);
        Spec spec = new Spec(SITE, List.of(new Rollouts.Batch(5, null, null, 80)), 100, 0, 600, 10);
        Step s = Rollouts.advance(rollout(spec), List.of(), held, T0);
        List<Member> members = merge(List.of(), s);
        String first = s.release().get(0);
        members = finish(members, Set.of(first));
        Step next = Rollouts.advance(s.rollout(), members, held, T0);
        assertThat(next.rollout().state()).isEqualTo(State.ACTIVE);
        assertThat(next.rollout().batch())
                .as("one failure of 5 still reaches 80%; no soak: batch 2 starts at once")
                .isEqualTo(2);
        members = merge(members, next);
        List<String> batch2 = next.release();
        assertThat(batch2).hasSize(5);
        members = finish(members, Set.of(batch2.get(0)));
        Step suspended = Rollouts.advance(next.rollout(), members, held, T0);
        assertThat(suspended.rollout().state()).isEqualTo(State.SUSPENDED);
        assertThat(suspended.rollout().reason())
                .isEqualTo("batch 2 fell below its success threshold of 100%: "
                        + "4 succeeded, 1 failed, 0 timed out of 5 plans");
        assertThat(suspended.release()).isEmpty();
        assertThat(Rollouts.failures(members, 2)).extracting(Member::planId).containsExactly(batch2.get(0));
        assertThat(Rollouts.advance(suspended.rollout(), members, held, T0.plusSeconds(5))
                        .rollout())
                .isEqualTo(suspended.rollout());

        Rollout resumed = Rollouts.resume(suspended.rollout());
        assertThat(resumed.state()).isEqualTo(State.ACTIVE);
        assertThat(Rollouts.resume(resumed)).as("idempotent").isEqualTo(resumed);
        Step done = Rollouts.advance(resumed, members, held, T0);
        assertThat(done.rollout().state())
                .as("the remainder was the last batch")
                .isEqualTo(State.COMPLETED);
    }

    @Test
    void anExecutionPastTheDeadlineTimesOutAndAbortStopsReleases() {
        List<Candidate> held = fleet(4);
        Spec spec = new Spec(SITE, List.of(new Rollouts.Batch(2, null, null, null)), 50, 0, 600, 1);
        Step s = Rollouts.advance(rollout(spec), List.of(), held, T0);
        List<Member> members = merge(List.of(), s);
        Step late = Rollouts.advance(s.rollout(), members, held, T0.plusSeconds(600));
        assertThat(late.changed())
                .filteredOn(m -> m.outcome() == Outcome.TIMED_OUT)
                .singleElement()
                .satisfies(m -> assertThat(m.detail()).contains("progress deadline of 600 s"));
        assertThat(late.rollout().state())
                .as("1 of 2 may still succeed: 50% reachable")
                .isEqualTo(State.ACTIVE);
        assertThat(late.release()).hasSize(1);

        Rollout aborted = Rollouts.abort(late.rollout());
        assertThat(aborted.state()).isEqualTo(State.ABORTED);
        assertThat(Rollouts.abort(aborted)).isEqualTo(aborted);
        assertThat(Rollouts.advance(aborted, merge(members, late), held, T0.plusSeconds(700))
                        .release())
                .isEmpty();
        assertThat(Rollouts.abortable(new Rollout("x", spec, State.COMPLETED, 2, null, null, 0)))
                .isFalse();
    }

    @Test
    void aRolloutHoldsOnlyWhatItSelectsWhileRunningAndWaitsForItsFirstPlans() {
        Spec spec = new Spec(SITE, List.of(), 100, 0, 600, 5);
        Rollout r = rollout(spec);
        assertThat(Rollouts.holds(r, plan("c1", "ghent").plan(), List.of())).isTrue();
        assertThat(Rollouts.holds(r, plan("c1", "lyon").plan(), List.of())).isFalse();
        assertThat(Rollouts.holds(Rollouts.abort(r), plan("c1", "ghent").plan(), List.of()))
                .isFalse();
        Step waiting = Rollouts.advance(r, List.of(), List.of(), T0);
        assertThat(waiting.rollout()).isEqualTo(r);
        assertThat(Rollouts.onOutcome(new Member("p", 1, null, null, null), true, "ok"))
                .as("not released")
                .isNull();
        Member failed = new Member("p", 1, T0, Outcome.FAILED, "boom");
        assertThat(Rollouts.onOutcome(failed, true, "retried").outcome()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(Rollouts.onOutcome(failed, false, "again")).isNull();
    }

    /** The plan as stored after it was published (its revision r1 went out). */
    static PlanBook.Plan published(PlanBook.Plan p, String revision) {
        return new PlanBook.Plan(
                p.planId(),
                p.route(),
                p.target(),
                p.capabilities(),
                p.parameters(),
                p.dependsOn(),
                p.policyVersion(),
                revision,
                "r1",
                dev.arcfleet.planner.plan.PlanState.PUBLISHED,
                null,
                0,
                null,
                1,
                null);
    }

    @Test
    void underTheReleaseDefaultOnlyARunningRolloutHoldsAPlan() {
        Rollout ghent = rollout(new Spec(SITE, List.of(), 100, 0, 600, 5));
        PlanBook.Plan lyon = published(plan("c1", "lyon").plan(), "r1");
        PlanBook.Plan fresh = new PlanBook.Plan(
                lyon.planId(),
                lyon.route(),
                lyon.target(),
                Set.of(),
                lyon.parameters(),
                null,
                "p",
                "r1",
                null,
                dev.arcfleet.planner.plan.PlanState.PUBLISHED,
                null,
                0,
                null,
                1,
                null);
        assertThat(Rollouts.gate(fresh, List.of(ghent), List.of(), p -> List.of(), Policy.RolloutDefault.RELEASE))
                .as("no rollout selects it")
                .isFalse();
        PlanBook.Plan ghentPlan = published(plan("c2", "ghent").plan(), "r2");
        assertThat(Rollouts.gate(ghentPlan, List.of(ghent), List.of(), p -> List.of(), Policy.RolloutDefault.RELEASE))
                .isTrue();
        assertThat(Rollouts.gate(
                        ghentPlan, List.of(ghent), List.of("ro-1"), p -> List.of(), Policy.RolloutDefault.RELEASE))
                .as("released by that rollout already")
                .isFalse();
        // a plan held already stays held until a running rollout releases it (an aborted rollout's leftovers)
        assertThat(Rollouts.gate(
                        plan("c3", "lyon").plan(), List.of(), List.of(), p -> List.of(), Policy.RolloutDefault.RELEASE))
                .isTrue();
    }

    @Test
    void underTheHoldDefaultAPlanNeverReleasedWaitsForARolloutAndAReleasedOneIsNeverHeldAgain() {
        Policy.RolloutDefault hold = Policy.RolloutDefault.HOLD;
        PlanBook.Plan lyon = plan("c1", "lyon").plan();
        PlanBook.Plan neverPublished = new PlanBook.Plan(
                lyon.planId(),
                lyon.route(),
                lyon.target(),
                Set.of(),
                lyon.parameters(),
                null,
                "p",
                "r1",
                null,
                dev.arcfleet.planner.plan.PlanState.PUBLISHED,
                null,
                0,
                null,
                1,
                null);
        // no rollout at all, or only one for another site: held by the default
        assertThat(Rollouts.gate(neverPublished, List.of(), List.of(), p -> List.of(), hold))
                .isTrue();
        assertThat(Rollouts.gate(
                        neverPublished,
                        List.of(rollout(new Spec(SITE, List.of(), 100, 0, 600, 5))),
                        List.of(),
                        p -> List.of(),
                        hold))
                .isTrue();
        assertThat(Rollouts.gate(neverPublished, List.of(), List.of(), p -> List.of(), Policy.RolloutDefault.RELEASE))
                .isFalse();
        // a new revision of a plan published before goes out at once, as under RELEASE
        assertThat(Rollouts.gate(published(lyon, "r2"), List.of(), List.of(), p -> List.of(), hold))
                .isFalse();
        // released by a rollout (now COMPLETED, so not holding) but not published yet (an IoT plan waiting for its
        // Arc plan): the default does not hold it again when the Arc plan's success releases it
        assertThat(Rollouts.gate(neverPublished, List.of(), List.of("ro-done"), p -> List.of(), hold))
                .isFalse();
        assertThat(Rollouts.heldByDefault(neverPublished, List.of(), hold)).isTrue();
        assertThat(Rollouts.heldByDefault(neverPublished, List.of("ro-done"), hold))
                .isFalse();
        // a rollout created later takes a plan the default holds into its batches, as any held plan
        Rollout lyonWaves =
                rollout(new Spec(new PlanBook.Selector("lyon", null, null, null), List.of(), 100, 0, 600, 5));
        Step first = Rollouts.advance(lyonWaves, List.of(), List.of(plan("c1", "lyon")), T0);
        assertThat(first.release()).containsExactly(lyon.planId());
    }
}
