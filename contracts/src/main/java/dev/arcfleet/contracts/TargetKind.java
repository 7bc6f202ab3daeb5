package dev.arcfleet.contracts;

public enum TargetKind {
    CLUSTER,
    NODE
}
