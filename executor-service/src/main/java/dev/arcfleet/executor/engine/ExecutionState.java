package dev.arcfleet.executor.engine;

/** SUPERSEDED: a newer revision of the plan (same action) replaced it, and it stopped at a step boundary. */
public enum ExecutionState {
    PENDING,
    RUNNING,
    SUCCEEDED,
    FAILED,
    SUPERSEDED;

    public boolean finished() {
        return this == SUCCEEDED || this == FAILED || this == SUPERSEDED;
    }
}
