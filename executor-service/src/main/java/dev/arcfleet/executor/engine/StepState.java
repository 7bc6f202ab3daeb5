package dev.arcfleet.executor.engine;

public enum StepState {
    PENDING,
    RUNNING,
    SUCCEEDED,
    FAILED
}
