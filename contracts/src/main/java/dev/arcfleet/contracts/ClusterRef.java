package dev.arcfleet.contracts;

public record ClusterRef(String id, String distribution) {}
