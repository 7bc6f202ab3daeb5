package dev.arcfleet.contracts;

public enum Capability {
    POLICY,
    GITOPS,
    MONITOR,
    DEFENDER,
    INVENTORY,
    EXTENSIONS,
    GUEST_CONFIGURATION,
    MACHINE_IDENTITY,
    EDGE_DATA
}
