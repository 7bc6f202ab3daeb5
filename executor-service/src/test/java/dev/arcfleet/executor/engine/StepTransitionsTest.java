package dev.arcfleet.executor.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arcfleet.contracts.StatusType;
import dev.arcfleet.executor.engine.Transition.StatusChange;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongUnaryOperator;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** The step engine's rules, outcome by outcome, with the jitter pinned so every delay is known. */
class StepTransitionsTest {
    static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");
    static final Instant EARLIER = NOW.minusSeconds(30);

    /** Jitter 0: every backoff is the lower half of its exponential delay. */
    final StepTransitions lowest = new StepTransitions(StepTransitions.STEP_BACKOFF.withRandom(jitter(bound -> 0)));
    /** Jitter at its top: every backoff is the whole exponential delay. */
    final StepTransitions highest =
            new StepTransitions(StepTransitions.STEP_BACKOFF.withRandom(jitter(bound -> bound - 1)));

    /** A random source that answers {@code nextLong(bound)} with {@code pick(bound)}. */
    static RandomGenerator jitter(LongUnaryOperator pick) {
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                throw new UnsupportedOperationException("the backoff asks for a bounded number");
            }

            @Override
            public long nextLong(long bound) {
                return pick.applyAsLong(bound);
            }
        };
    }

    static ExecutionSnapshot running(int currentStep, int stepCount, int attempt, String operation) {
        return new ExecutionSnapshot(
                ExecutionState.RUNNING,
                currentStep,
                stepCount,
                attempt,
                EARLIER,
                null,
                null,
                new ExecutionSnapshot.Step("step-" + currentStep, StepState.RUNNING, null, "before", null, operation));
    }

    @Test
    void aStepThatSucceedsMidwayMovesOnAtOnceAndClearsTheRetryCount() {
        Transition t = lowest.afterOutcome(
                running(1, 4, 3, "rid https://poll"), StepOutcome.succeeded("done", "{\"r\":1}"), NOW);

        ExecutionSnapshot next = t.next();
        assertThat(next.state()).isEqualTo(ExecutionState.RUNNING);
        assertThat(next.currentStep()).isEqualTo(2);
        assertThat(next.attempt()).isZero();
        assertThat(next.nextRunAt()).isEqualTo(NOW);
        assertThat(next.finishedAt()).isNull();
        assertThat(next.step())
                .isEqualTo(new ExecutionSnapshot.Step("step-1", StepState.SUCCEEDED, NOW, "done", "{\"r\":1}", null));
        assertThat(t.events()).containsExactly(new StatusChange(StatusType.STEP_SUCCEEDED, "step-1", "done"));
    }

    @Test
    void theLastStepSucceedingEndsTheExecutionSucceeded() {
        Transition t = lowest.afterOutcome(running(3, 4, 0, null), StepOutcome.succeeded("done", "{}"), NOW);

        assertThat(t.next().state()).isEqualTo(ExecutionState.SUCCEEDED);
        assertThat(t.next().currentStep()).isEqualTo(4);
        assertThat(t.next().finishedAt()).isEqualTo(NOW);
        assertThat(t.next().failureReason()).isNull();
        assertThat(t.events())
                .containsExactly(
                        new StatusChange(StatusType.STEP_SUCCEEDED, "step-3", "done"),
                        new StatusChange(StatusType.SUCCEEDED, null, "all 4 steps succeeded"));
    }

    @Test
    void waitingKeepsTheStepRunningRemembersItsOperationAndLooksAgainLater() {
        Transition t = lowest.afterOutcome(
                running(0, 2, 2, null),
                StepOutcome.waitingOn("rid https://poll/1", "provisioning", Duration.ofSeconds(5)),
                NOW);

        assertThat(t.next().step().state()).isEqualTo(StepState.RUNNING);
        assertThat(t.next().step().operation()).isEqualTo("rid https://poll/1");
        assertThat(t.next().step().detail()).isEqualTo("provisioning");
        assertThat(t.next().nextRunAt()).isEqualTo(NOW.plusSeconds(5));
        assertThat(t.next().currentStep()).isZero();
        assertThat(t.next().attempt()).as("waiting is not a failure").isEqualTo(2);
        assertThat(t.next().state()).isEqualTo(ExecutionState.RUNNING);
        assertThat(t.events()).isEmpty();
    }

    @Test
    void waitingWithoutAnOperationForgetsTheOneBefore() {
        Transition t = lowest.afterOutcome(
                running(0, 2, 0, "rid https://poll/1"),
                StepOutcome.waiting("condition not met", Duration.ofSeconds(5)),
                NOW);

        assertThat(t.next().step().operation()).isNull();
    }

    @Test
    void aRetryBelowTheLimitCountsBacksOffAndKeepsTheOperation() {
        Transition t = lowest.afterOutcome(
                running(1, 3, 2, "rid https://poll/1"), StepOutcome.retry("503 from ARM", Duration.ZERO), NOW);

        // third failure in a row: 1 s doubled twice is 4 s, the lowest jitter makes it 2 s
        assertThat(t.next().attempt()).isEqualTo(3);
        assertThat(t.next().nextRunAt()).isEqualTo(NOW.plusMillis(2000));
        assertThat(t.next().step().state()).isEqualTo(StepState.PENDING);
        assertThat(t.next().step().operation())
                .as("a later attempt polls the same operation")
                .isEqualTo("rid https://poll/1");
        assertThat(t.next().state()).isEqualTo(ExecutionState.RUNNING);
        assertThat(t.events())
                .containsExactly(
                        new StatusChange(StatusType.RETRYING, "step-1", "503 from ARM (attempt 3, next in 2000 ms)"));
    }

    @Test
    void theTwelfthRetryInARowFailsTheExecution() {
        ExecutionSnapshot eleven = running(1, 3, StepTransitions.MAX_TRANSIENT_ATTEMPTS - 1, null);
        Transition t = lowest.afterOutcome(eleven, StepOutcome.retry("timeout", Duration.ZERO), NOW);

        String reason = "step step-1 gave up after 12 attempts; last error: timeout";
        assertThat(t.next().state()).isEqualTo(ExecutionState.FAILED);
        assertThat(t.next().attempt()).isEqualTo(12);
        assertThat(t.next().failureReason()).isEqualTo(reason);
        assertThat(t.next().finishedAt()).isEqualTo(NOW);
        assertThat(t.next().step().state()).isEqualTo(StepState.FAILED);
        assertThat(t.next().step().finishedAt()).isEqualTo(NOW);
        assertThat(t.next().nextRunAt()).isEqualTo(EARLIER);
        assertThat(t.events()).containsExactly(new StatusChange(StatusType.FAILED, "step-1", reason));

        Transition eleventh =
                lowest.afterOutcome(running(1, 3, 10, null), StepOutcome.retry("timeout", Duration.ZERO), NOW);
        assertThat(eleventh.next().state()).as("the eleventh still retries").isEqualTo(ExecutionState.RUNNING);
    }

    @Test
    void throttlingWaitsForRetryAfterIsNotCountedAndGivesUpTheWriteSlot() {
        Transition t = lowest.afterOutcome(
                running(0, 2, 4, "reserved-write rid"),
                StepOutcome.throttled("ARM throttled (429), Retry-After 17 s", Duration.ofSeconds(17)),
                NOW);

        assertThat(t.next().attempt()).isEqualTo(4);
        assertThat(t.next().nextRunAt()).isEqualTo(NOW.plusSeconds(17));
        assertThat(t.next().step().state()).isEqualTo(StepState.PENDING);
        assertThat(t.next().step().operation()).isNull();
        assertThat(t.next().state()).isEqualTo(ExecutionState.RUNNING);
        assertThat(t.events())
                .containsExactly(
                        new StatusChange(StatusType.RETRYING, "step-0", "ARM throttled (429), Retry-After 17 s"));

        ExecutionSnapshot atTheLimit = running(0, 2, StepTransitions.MAX_TRANSIENT_ATTEMPTS - 1, null);
        assertThat(lowest.afterOutcome(atTheLimit, StepOutcome.throttled("429", Duration.ofSeconds(1)), NOW)
                        .next()
                        .state())
                .as("throttling never ends an execution")
                .isEqualTo(ExecutionState.RUNNING);
    }

    @Test
    void aFailedStepFailsTheExecutionWithItsReason() {
        Transition t =
                lowest.afterOutcome(running(2, 3, 1, "rid https://poll"), StepOutcome.failed("403 Forbidden"), NOW);

        String reason = "step step-2 failed: 403 Forbidden";
        assertThat(t.next().state()).isEqualTo(ExecutionState.FAILED);
        assertThat(t.next().failureReason()).isEqualTo(reason);
        assertThat(t.next().finishedAt()).isEqualTo(NOW);
        assertThat(t.next().currentStep()).isEqualTo(2);
        assertThat(t.next().attempt()).isEqualTo(1);
        assertThat(t.next().step())
                .isEqualTo(new ExecutionSnapshot.Step(
                        "step-2", StepState.FAILED, NOW, "403 Forbidden", null, "rid https://poll"));
        assertThat(t.events()).containsExactly(new StatusChange(StatusType.FAILED, "step-2", reason));
    }

    @Test
    void aServerRetryAfterLongerThanTheBackoffWins() {
        Transition t =
                highest.afterOutcome(running(0, 2, 0, null), StepOutcome.retry("503", Duration.ofSeconds(30)), NOW);

        assertThat(t.next().nextRunAt()).isEqualTo(NOW.plusSeconds(30));
        assertThat(t.events().get(0).detail()).endsWith("(attempt 1, next in 30000 ms)");
    }

    @Test
    void aServerRetryAfterShorterThanTheBackoffIsOutwaited() {
        // fifth failure: 16 s, the highest jitter keeps all of it
        Transition t =
                highest.afterOutcome(running(0, 2, 4, null), StepOutcome.retry("503", Duration.ofSeconds(3)), NOW);

        assertThat(t.next().nextRunAt()).isEqualTo(NOW.plusSeconds(16));
    }

    @Test
    void backoffDoublesFromOneSecondUpToTwoMinutesWithJitterBetweenHalfAndAll() {
        List<Long> low = new ArrayList<>();
        List<Long> high = new ArrayList<>();
        for (int attempt = 1; attempt <= 11; attempt++) {
            low.add(lowest.backoff(attempt).toMillis());
            high.add(highest.backoff(attempt).toMillis());
        }
        assertThat(high)
                .containsExactly(
                        1000L, 2000L, 4000L, 8000L, 16000L, 32000L, 64000L, 120000L, 120000L, 120000L, 120000L);
        assertThat(low)
                .containsExactly(500L, 1000L, 2000L, 4000L, 8000L, 16000L, 32000L, 60000L, 60000L, 60000L, 60000L);
        assertThat(highest.backoff(40)).as("no overflow far past the cap").isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void theJitterIsAskedForANumberBelowHalfTheDelayPlusOne() {
        List<Long> bounds = new ArrayList<>();
        new StepTransitions(StepTransitions.STEP_BACKOFF.withRandom(jitter(bound -> {
                    bounds.add(bound);
                    return 0;
                })))
                .backoff(3);
        assertThat(bounds)
                .as("half of 4 s in nanoseconds, plus one")
                .containsExactly(Duration.ofSeconds(2).toNanos() + 1);
        Duration random = StepTransitions.withRandomJitter().backoff(3);
        assertThat(random).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(4));
    }

    @Test
    void aCancelledExecutionFailsAtItsStepWithWhoAndWhy() {
        Transition t = lowest.cancel(running(1, 3, 2, "rid https://poll"), "ops@example", "wrong cluster", NOW);

        String reason = "cancelled by ops@example: wrong cluster (at step step-1)";
        assertThat(t.next().state()).isEqualTo(ExecutionState.FAILED);
        assertThat(t.next().failureReason()).isEqualTo(reason);
        assertThat(t.next().finishedAt()).isEqualTo(NOW);
        assertThat(t.next().step().state()).isEqualTo(StepState.FAILED);
        assertThat(t.next().step().finishedAt()).isEqualTo(NOW);
        assertThat(t.next().step().detail()).isEqualTo("before");
        assertThat(t.events()).containsExactly(new StatusChange(StatusType.FAILED, "step-1", reason));
        assertThat(lowest.cancel(running(1, 3, 0, null), "ops", " ", NOW).next().failureReason())
                .isEqualTo("cancelled by ops (at step step-1)");
    }

    @Test
    void aRetriedExecutionRunsAgainFromItsFailedStepNowWithAFreshCount() {
        ExecutionSnapshot failed = lowest.afterOutcome(
                        running(1, 3, 11, "rid https://poll"), StepOutcome.retry("timeout", Duration.ZERO), EARLIER)
                .next();

        Transition t = lowest.retry(failed, "ops@example", NOW);

        ExecutionSnapshot next = t.next();
        assertThat(next.state()).isEqualTo(ExecutionState.RUNNING);
        assertThat(next.currentStep()).isEqualTo(1);
        assertThat(next.attempt()).isZero();
        assertThat(next.nextRunAt()).isEqualTo(NOW);
        assertThat(next.finishedAt()).isNull();
        assertThat(next.failureReason()).isNull();
        assertThat(next.step().state()).isEqualTo(StepState.PENDING);
        assertThat(next.step().finishedAt()).isNull();
        assertThat(next.step().operation()).as("a retry starts the step over").isNull();
        assertThat(t.events())
                .containsExactly(
                        new StatusChange(
                                StatusType.RETRYING,
                                "step-1",
                                "retry requested by ops@example after: step step-1 gave up after 12 attempts; last error: timeout"));
    }

    @Test
    void onlyARunningExecutionCanBeCancelledAndOnlyAFailedOneRetried() {
        assertThat(StepTransitions.cancellable(ExecutionState.PENDING)).isTrue();
        assertThat(StepTransitions.cancellable(ExecutionState.RUNNING)).isTrue();
        assertThat(StepTransitions.cancellable(ExecutionState.SUCCEEDED)).isFalse();
        assertThat(StepTransitions.cancellable(ExecutionState.FAILED)).isFalse();
        assertThat(StepTransitions.retryable(ExecutionState.FAILED)).isTrue();
        assertThat(StepTransitions.retryable(ExecutionState.RUNNING)).isFalse();
        assertThat(StepTransitions.retryable(ExecutionState.SUCCEEDED)).isFalse();

        ExecutionSnapshot done = lowest.afterOutcome(running(0, 1, 0, null), StepOutcome.succeeded("ok", "{}"), NOW)
                .next();
        assertThatThrownBy(() -> lowest.cancel(done, "ops", null, NOW)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> lowest.retry(running(0, 1, 0, null), "ops", NOW))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aResultCountsOnlyForTheClaimThatStillOwnsTheStep() {
        assertThat(StepTransitions.resultCounts(ExecutionState.RUNNING, 2, 5, 2, 5))
                .isTrue();
        assertThat(StepTransitions.resultCounts(ExecutionState.RUNNING, 2, 6, 2, 5))
                .as("lease taken over")
                .isFalse();
        assertThat(StepTransitions.resultCounts(ExecutionState.FAILED, 2, 5, 2, 5))
                .as("cancelled meanwhile")
                .isFalse();
        assertThat(StepTransitions.resultCounts(ExecutionState.RUNNING, 3, 5, 2, 5))
                .as("moved on")
                .isFalse();
    }

    @Test
    void aSupersededExecutionEndsFailedAtItsStepAndIsReportedSuperseded() {
        Transition t = lowest.supersede(running(3, 9, 1, "op"), "superseded by the offboard of revision r2", NOW);
        assertThat(t.next().state()).isEqualTo(ExecutionState.FAILED);
        assertThat(t.next().currentStep()).isEqualTo(3);
        assertThat(t.next().failureReason()).isEqualTo("superseded by the offboard of revision r2");
        assertThat(t.next().step().state()).isEqualTo(StepState.FAILED);
        assertThat(t.events())
                .containsExactly(new Transition.StatusChange(
                        StatusType.SUPERSEDED, "step-3", "superseded by the offboard of revision r2"));
        ExecutionSnapshot ended = t.next();
        assertThatThrownBy(() -> lowest.supersede(ended, "again", NOW)).isInstanceOf(IllegalStateException.class);
    }

    static ExecutionSnapshot between(int currentStep, int stepCount, String operation) {
        ExecutionSnapshot running = running(currentStep, stepCount, 1, operation);
        return running.with(running.step().withState(StepState.PENDING, null));
    }

    @Test
    void aStepBoundaryIsBeforeTheFirstStepOrAtAStepWithNothingRunningOrInFlight() {
        ExecutionSnapshot pending = new ExecutionSnapshot(
                ExecutionState.PENDING,
                0,
                4,
                0,
                EARLIER,
                null,
                null,
                new ExecutionSnapshot.Step("step-0", StepState.PENDING, null, null, null, null));
        assertThat(StepTransitions.atStepBoundary(pending)).isTrue();
        assertThat(StepTransitions.atStepBoundary(between(2, 4, null))).isTrue();
        assertThat(StepTransitions.atStepBoundary(between(2, 4, "rid https://poll")))
                .as("a retry that polls an ARM operation again")
                .isFalse();
        assertThat(StepTransitions.atStepBoundary(running(2, 4, 0, null)))
                .as("a step running or waiting")
                .isFalse();
        ExecutionSnapshot ended = lowest.afterOutcome(running(3, 4, 0, null), StepOutcome.succeeded("d", "{}"), NOW)
                .next();
        assertThat(StepTransitions.atStepBoundary(ended)).isFalse();
    }

    @Test
    void aReplacedExecutionStopsBeforeItsStepAsSupersededAndNowhereElse() {
        Transition t = lowest.stopSuperseded(between(2, 4, null), "r2", NOW);

        assertThat(t.next().state()).isEqualTo(ExecutionState.SUPERSEDED);
        assertThat(t.next().state().finished()).isTrue();
        assertThat(t.next().currentStep()).isEqualTo(2);
        assertThat(t.next().finishedAt()).isEqualTo(NOW);
        assertThat(t.next().step().state()).as("the step it stopped before").isEqualTo(StepState.PENDING);
        assertThat(t.next().failureReason()).isEqualTo("superseded by revision r2 before step step-2");
        assertThat(t.events())
                .containsExactly(new StatusChange(
                        StatusType.SUPERSEDED, "step-2", "superseded by revision r2 before step step-2"));
        assertThatThrownBy(() -> lowest.stopSuperseded(running(2, 4, 0, "op"), "r2", NOW))
                .isInstanceOf(IllegalStateException.class);
        assertThat(StepTransitions.retryable(ExecutionState.SUPERSEDED)).isFalse();
        assertThat(StepTransitions.cancellable(ExecutionState.SUPERSEDED)).isFalse();
    }

    @Test
    void aReplacedExecutionWhoseStepSucceedsStopsAfterItEvenAfterTheLastStep() {
        Transition mid = lowest.afterOutcome(running(1, 4, 0, "op"), StepOutcome.succeeded("done", "{}"), NOW, "r2");
        assertThat(mid.next().state()).isEqualTo(ExecutionState.SUPERSEDED);
        assertThat(mid.next().currentStep()).isEqualTo(2);
        assertThat(mid.next().step().state()).isEqualTo(StepState.SUCCEEDED);
        assertThat(mid.events())
                .containsExactly(
                        new StatusChange(StatusType.STEP_SUCCEEDED, "step-1", "done"),
                        new StatusChange(
                                StatusType.SUPERSEDED, "step-1", "superseded by revision r2 after step step-1"));

        Transition last = lowest.afterOutcome(running(3, 4, 0, null), StepOutcome.succeeded("done", "{}"), NOW, "r2");
        assertThat(last.next().state())
                .as("not SUCCEEDED: the newer revision's run decides")
                .isEqualTo(ExecutionState.SUPERSEDED);
        assertThat(last.events())
                .extracting(StatusChange::type)
                .containsExactly(StatusType.STEP_SUCCEEDED, StatusType.SUPERSEDED);
    }

    @Test
    void aReplacedExecutionFinishesAStepInFlightFirstAndStopsWhenNothingIsInFlight() {
        Transition waiting = lowest.afterOutcome(
                running(1, 4, 0, null),
                StepOutcome.waitingOn("rid https://poll", "accepted", Duration.ofSeconds(2)),
                NOW,
                "r2");
        assertThat(waiting.next().state()).isEqualTo(ExecutionState.RUNNING);
        assertThat(waiting.events()).isEmpty();

        Transition pollFailed = lowest.afterOutcome(
                running(1, 4, 0, "rid https://poll"), StepOutcome.retry("503", Duration.ZERO), NOW, "r2");
        assertThat(pollFailed.next().state())
                .as("the operation is polled again")
                .isEqualTo(ExecutionState.RUNNING);

        Transition throttled = lowest.afterOutcome(
                running(1, 4, 0, null), StepOutcome.throttled("429", Duration.ofSeconds(3)), NOW, "r2");
        assertThat(throttled.next().state()).isEqualTo(ExecutionState.SUPERSEDED);
        assertThat(throttled.events())
                .extracting(StatusChange::type)
                .containsExactly(StatusType.RETRYING, StatusType.SUPERSEDED);

        Transition failed = lowest.afterOutcome(running(1, 4, 0, null), StepOutcome.failed("bad"), NOW, "r2");
        assertThat(failed.next().state()).isEqualTo(ExecutionState.FAILED);

        Transition alone = lowest.afterOutcome(running(1, 4, 0, "op"), StepOutcome.succeeded("done", "{}"), NOW, null);
        assertThat(alone.next().state()).isEqualTo(ExecutionState.RUNNING);
    }

    @Test
    void anOffboardingReportsItsStartAndEndAsSuchAndEverythingElseAsOnboardingDoes() {
        assertThat(StepTransitions.reported(StatusType.STARTED, true)).isEqualTo(StatusType.OFFBOARDING);
        assertThat(StepTransitions.reported(StatusType.SUCCEEDED, true)).isEqualTo(StatusType.OFFBOARDED);
        assertThat(StepTransitions.reported(StatusType.FAILED, true)).isEqualTo(StatusType.OFFBOARD_FAILED);
        for (StatusType type : List.of(StatusType.STEP_SUCCEEDED, StatusType.RETRYING, StatusType.SUPERSEDED)) {
            assertThat(StepTransitions.reported(type, true)).isEqualTo(type);
        }
        for (StatusType type : StatusType.values()) {
            assertThat(StepTransitions.reported(type, false)).isEqualTo(type);
        }
    }
}
