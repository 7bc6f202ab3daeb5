package dev.arcfleet.contracts;

public enum StatusType {
    PLANNED, BLOCKED, STARTED, STEP_SUCCEEDED, RETRYING, SUCCEEDED, FAILED, SUPERSEDED
}
