package dev.arcfleet.executor.engine;

import dev.arcfleet.contracts.StatusType;
import dev.arcfleet.executor.engine.Transition.StatusChange;
import dev.arcfleet.support.retry.RetryPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The step engine's rules, pure: what a step's outcome, or an operator's cancel or retry, does to an execution (which
 * step runs next and when, the transient-failure count, the end state and its reason, the status events), and whether
 * a worker's result still counts. The callers read the rows, ask here, and write the answer back in their transaction.
 */
public final class StepTransitions {
    /** RETRY outcomes in a row after which the execution FAILED. */
    public static final int MAX_TRANSIENT_ATTEMPTS = 12;

    public static final Duration BACKOFF_BASE = Duration.ofSeconds(1);
    public static final Duration BACKOFF_MAX = Duration.ofMinutes(2);

    /** {@link #BACKOFF_BASE} doubled per attempt up to {@link #BACKOFF_MAX}, each delay between half and all of it. */
    public static final RetryPolicy STEP_BACKOFF =
            RetryPolicy.exponential(BACKOFF_BASE, BACKOFF_MAX).withJitter(0.5);

    private final RetryPolicy backoff;

    /** @param backoff the delays between a step's transient failures (tests pin its random source) */
    public StepTransitions(RetryPolicy backoff) {
        this.backoff = backoff;
    }

    public static StepTransitions withRandomJitter() {
        return new StepTransitions(STEP_BACKOFF);
    }

    /**
     * Whether the result of a claimed attempt still counts: not if the execution ended or moved on meanwhile (an
     * operator cancelled it, say), nor if the claim's lease ran out and another worker claimed the step since (its
     * result is the one that counts).
     *
     * @param claimedStepAttempts the claimed step's attempt counter now (each claim counts one)
     */
    public static boolean resultCounts(
            ExecutionState state, int currentStep, int claimedStepAttempts, int claimedStep, int claimedAttempt) {
        return !state.finished() && currentStep == claimedStep && claimedStepAttempts == claimedAttempt;
    }

    /** What the outcome of the snapshot's current step does, at {@code now}. */
    public Transition afterOutcome(ExecutionSnapshot execution, StepOutcome outcome, Instant now) {
        ExecutionSnapshot.Step step = execution.step().withDetail(outcome.detail());
        String name = step.name();
        List<StatusChange> events = new ArrayList<>();
        ExecutionSnapshot next = switch (outcome.kind()) {
            case SUCCEEDED -> {
                ExecutionSnapshot done = execution
                        .with(step.withState(StepState.SUCCEEDED, now)
                                .withRecord(outcome.record())
                                .withOperation(null))
                        .withAttempt(0)
                        .withCurrentStep(execution.currentStep() + 1)
                        .withNextRunAt(now);
                events.add(new StatusChange(StatusType.STEP_SUCCEEDED, name, outcome.detail()));
                if (done.currentStep() >= done.stepCount()) {
                    done = done.ended(ExecutionState.SUCCEEDED, now, execution.failureReason());
                    events.add(new StatusChange(
                            StatusType.SUCCEEDED, null, "all " + done.stepCount() + " steps succeeded"));
                }
                yield done;
            }
            case WAITING ->
                execution
                        .with(step.withState(StepState.RUNNING, step.finishedAt())
                                .withOperation(outcome.operation()))
                        .withNextRunAt(now.plus(outcome.retryAfter()));
            case RETRY -> {
                int attempt = execution.attempt() + 1;
                if (attempt >= MAX_TRANSIENT_ATTEMPTS) {
                    yield failed(
                            execution.with(step).withAttempt(attempt),
                            now,
                            "step " + name + " gave up after " + attempt + " attempts; last error: " + outcome.detail(),
                            events);
                }
                Duration delay = max(outcome.retryAfter(), backoff(attempt));
                events.add(new StatusChange(
                        StatusType.RETRYING,
                        name,
                        outcome.detail() + " (attempt " + attempt + ", next in " + delay.toMillis() + " ms)"));
                yield execution
                        .with(step.withState(StepState.PENDING, step.finishedAt()))
                        .withAttempt(attempt)
                        .withNextRunAt(now.plus(delay));
            }
            case THROTTLED -> {
                events.add(new StatusChange(StatusType.RETRYING, name, outcome.detail()));
                // a reserved write slot was spent on the throttled call
                yield execution
                        .with(step.withState(StepState.PENDING, step.finishedAt())
                                .withOperation(null))
                        .withNextRunAt(now.plus(outcome.retryAfter()));
            }
            case FAILED -> failed(execution.with(step), now, "step " + name + " failed: " + outcome.detail(), events);
        };
        return new Transition(next, events);
    }

    /** Whether an operator may cancel an execution in this state (one that has not ended). */
    public static boolean cancellable(ExecutionState state) {
        return !state.finished();
    }

    /** Ends the execution as FAILED at its current step, with who cancelled it and why. */
    public Transition cancel(ExecutionSnapshot execution, String operator, String reason, Instant now) {
        if (!cancellable(execution.state())) {
            throw new IllegalStateException("an execution that ended " + execution.state() + " cannot be cancelled");
        }
        String why = "cancelled by " + operator + (reason == null || reason.isBlank() ? "" : ": " + reason)
                + " (at step " + execution.step().name() + ")";
        List<StatusChange> events = new ArrayList<>();
        return new Transition(failed(execution, now, why, events), events);
    }

    /**
     * Ends an unfinished execution that a plan of the other action replaced (an onboarding its offboarding, say): FAILED
     * at its current step with {@code reason}, reported SUPERSEDED, so that the two never run at once.
     */
    public Transition supersede(ExecutionSnapshot execution, String reason, Instant now) {
        if (execution.state().finished()) {
            throw new IllegalStateException("an execution that ended " + execution.state() + " is not superseded");
        }
        ExecutionSnapshot.Step step = execution.step().withState(StepState.FAILED, now);
        return new Transition(
                execution.with(step).ended(ExecutionState.FAILED, now, reason),
                List.of(new StatusChange(StatusType.SUPERSEDED, step.name(), reason)));
    }

    /**
     * Whether an unfinished execution is between two steps: not started yet, or its current step not running and
     * waiting on no ARM operation (its last attempt was throttled or failed with nothing in flight). A newer revision of
     * the plan stops an execution only there.
     */
    public static boolean atStepBoundary(ExecutionSnapshot execution) {
        if (execution.state().finished()) {
            return false;
        }
        return execution.state() == ExecutionState.PENDING
                || execution.step().state() == StepState.PENDING
                        && execution.step().operation() == null;
    }

    /**
     * Stops an execution at a step boundary ({@link #atStepBoundary}) for {@code revision}, the newer revision of its
     * plan that replaced it: SUPERSEDED before its current step, which stays as it was.
     */
    public Transition stopSuperseded(ExecutionSnapshot execution, String revision, Instant now) {
        if (!atStepBoundary(execution)) {
            throw new IllegalStateException("an execution " + execution.state() + " in step "
                    + execution.step().name() + " is not at a step boundary");
        }
        String reason = "superseded by revision " + revision + " before step "
                + execution.step().name();
        return new Transition(
                execution.ended(ExecutionState.SUPERSEDED, now, reason),
                List.of(new StatusChange(StatusType.SUPERSEDED, execution.step().name(), reason)));
    }

    /**
     * As {@link #afterOutcome(ExecutionSnapshot, StepOutcome, Instant)} for an execution that {@code supersededBy} (a
     * newer revision of its plan, or null) replaces: when the outcome leaves it at a step boundary (its step succeeded,
     * the last one included, or was throttled or failed with nothing in flight) it ends there SUPERSEDED instead of
     * running on or reporting SUCCEEDED; a step still in flight finishes first, and a FAILED end stays FAILED.
     */
    public Transition afterOutcome(ExecutionSnapshot execution, StepOutcome outcome, Instant now, String supersededBy) {
        Transition transition = afterOutcome(execution, outcome, now);
        ExecutionSnapshot next = transition.next();
        boolean stepDone = outcome.kind() == StepOutcome.Kind.SUCCEEDED;
        if (supersededBy == null || !(stepDone || atStepBoundary(next))) {
            return transition;
        }
        List<StatusChange> events = new ArrayList<>(transition.events());
        if (next.state() == ExecutionState.SUCCEEDED) {
            events.remove(events.size() - 1);
        }
        String name = execution.step().name();
        String reason = "superseded by revision " + supersededBy
                + (stepDone ? " after step " + name : " at step " + name + ", with nothing in flight");
        events.add(new StatusChange(StatusType.SUPERSEDED, name, reason));
        return new Transition(next.ended(ExecutionState.SUPERSEDED, now, reason), events);
    }

    /**
     * The status an execution reports: an offboarding execution's STARTED, SUCCEEDED and FAILED are OFFBOARDING,
     * OFFBOARDED and OFFBOARD_FAILED; every other type is the same for both.
     */
    public static StatusType reported(StatusType type, boolean offboarding) {
        if (!offboarding) {
            return type;
        }
        return switch (type) {
            case STARTED -> StatusType.OFFBOARDING;
            case SUCCEEDED -> StatusType.OFFBOARDED;
            case FAILED -> StatusType.OFFBOARD_FAILED;
            default -> type;
        };
    }

    /** Whether an operator may retry an execution in this state (a FAILED one). */
    public static boolean retryable(ExecutionState state) {
        return state == ExecutionState.FAILED;
    }

    /** Runs a FAILED execution again from the step it failed at, now, with a fresh transient-failure count. */
    public Transition retry(ExecutionSnapshot execution, String operator, Instant now) {
        if (!retryable(execution.state())) {
            throw new IllegalStateException("an execution that is " + execution.state() + " cannot be retried");
        }
        ExecutionSnapshot.Step step =
                execution.step().withState(StepState.PENDING, null).withOperation(null);
        return new Transition(
                execution.with(step).reopened(now),
                List.of(new StatusChange(
                        StatusType.RETRYING,
                        step.name(),
                        "retry requested by " + operator + " after: " + execution.failureReason())));
    }

    /**
     * The delay before retry {@code attempt} (1, 2, ...): {@link #BACKOFF_BASE} doubled per attempt up to
     * {@link #BACKOFF_MAX}, jittered to between half and all of it.
     */
    public Duration backoff(int attempt) {
        return backoff.delay(attempt);
    }

    private static ExecutionSnapshot failed(
            ExecutionSnapshot execution, Instant now, String reason, List<StatusChange> events) {
        ExecutionSnapshot.Step step = execution.step().withState(StepState.FAILED, now);
        events.add(new StatusChange(StatusType.FAILED, step.name(), reason));
        return execution.with(step).ended(ExecutionState.FAILED, now, reason);
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
