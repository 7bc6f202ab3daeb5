package dev.arcfleet.executor.engine;

public enum ExecutionState {
    PENDING,
    RUNNING,
    SUCCEEDED,
    FAILED;

    public boolean finished() {
        return this == SUCCEEDED || this == FAILED;
    }
}
