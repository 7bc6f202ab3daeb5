package dev.arcfleet.contracts;

/** A node's onboarding state as the inventory shows it (CONTRACTS.md, "Node status"). */
public enum OnboardingState {
    PENDING, PLANNED, BLOCKED, IN_PROGRESS, SUCCEEDED, FAILED
}
