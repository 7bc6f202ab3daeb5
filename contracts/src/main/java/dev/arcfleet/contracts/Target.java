package dev.arcfleet.contracts;

public record Target(TargetKind kind, String id) {}
