package dev.arcfleet.executor;

public enum StepState {
    PENDING, RUNNING, SUCCEEDED, FAILED
}
