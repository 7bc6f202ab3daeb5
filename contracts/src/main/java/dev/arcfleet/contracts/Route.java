package dev.arcfleet.contracts;

public enum Route {
    ARC_K8S,
    COMPANION_VM,
    IOT_OPERATIONS,
    DIRECT_AGENT,
    BLOCKED;

    /** True for routes an executor carries out from a plan topic. */
    public boolean executable() {
        return this == ARC_K8S || this == COMPANION_VM || this == IOT_OPERATIONS;
    }
}
