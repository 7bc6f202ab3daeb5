package dev.arcfleet.contracts;

public enum Mutability {
    IMMUTABLE,
    MUTABLE,
    UNKNOWN
}
