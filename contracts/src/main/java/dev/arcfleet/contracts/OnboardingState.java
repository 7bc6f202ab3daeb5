package dev.arcfleet.contracts;

/** A node's onboarding state as the inventory shows it (docs/contracts.md#states). */
public enum OnboardingState {
    PENDING, PLANNED, BLOCKED, IN_PROGRESS, SUCCEEDED, FAILED,
    /** A DIRECT_AGENT node whose site received its hand-off kit: the site connects it with the agent itself. */
    HANDED_OFF
}
