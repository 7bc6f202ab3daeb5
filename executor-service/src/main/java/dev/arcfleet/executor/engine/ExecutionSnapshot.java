package dev.arcfleet.executor.engine;

import java.time.Instant;

/**
 * The fields of an execution and of the step it is at that the engine's rules read and write: plain values, copied
 * from the rows before a transition and back after it.
 *
 * @param currentStep index of the step the execution is at (equal to {@code stepCount} once every step succeeded)
 * @param attempt transient failures in a row of the current step (RETRY outcomes; THROTTLED ones are not counted)
 * @param step the step a transition acts on (the one at {@code currentStep} before it)
 */
public record ExecutionSnapshot(
        ExecutionState state,
        int currentStep,
        int stepCount,
        int attempt,
        Instant nextRunAt,
        Instant finishedAt,
        String failureReason,
        Step step) {

    /** @param operation the ARM operation the step waits on ({@code <resourceId> <pollUrl>}) or a reserved write, or null */
    public record Step(
            String name, StepState state, Instant finishedAt, String detail, String record, String operation) {
        Step withState(StepState newState, Instant newFinishedAt) {
            return new Step(name, newState, newFinishedAt, detail, record, operation);
        }

        Step withDetail(String newDetail) {
            return new Step(name, state, finishedAt, newDetail, record, operation);
        }

        Step withRecord(String newRecord) {
            return new Step(name, state, finishedAt, detail, newRecord, operation);
        }

        Step withOperation(String newOperation) {
            return new Step(name, state, finishedAt, detail, record, newOperation);
        }
    }

    ExecutionSnapshot with(Step newStep) {
        return new ExecutionSnapshot(
                state, currentStep, stepCount, attempt, nextRunAt, finishedAt, failureReason, newStep);
    }

    ExecutionSnapshot withCurrentStep(int newCurrentStep) {
        return new ExecutionSnapshot(
                state, newCurrentStep, stepCount, attempt, nextRunAt, finishedAt, failureReason, step);
    }

    ExecutionSnapshot withAttempt(int newAttempt) {
        return new ExecutionSnapshot(
                state, currentStep, stepCount, newAttempt, nextRunAt, finishedAt, failureReason, step);
    }

    ExecutionSnapshot withNextRunAt(Instant newNextRunAt) {
        return new ExecutionSnapshot(
                state, currentStep, stepCount, attempt, newNextRunAt, finishedAt, failureReason, step);
    }

    ExecutionSnapshot ended(ExecutionState endState, Instant at, String reason) {
        return new ExecutionSnapshot(endState, currentStep, stepCount, attempt, nextRunAt, at, reason, step);
    }

    ExecutionSnapshot reopened(Instant at) {
        return new ExecutionSnapshot(ExecutionState.RUNNING, currentStep, stepCount, 0, at, null, null, step);
    }
}
