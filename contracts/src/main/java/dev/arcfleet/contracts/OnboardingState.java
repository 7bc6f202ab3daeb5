package dev.arcfleet.contracts;

/** A node's onboarding state as the inventory shows it (docs/contracts.md#states). */
public enum OnboardingState {
    PENDING, PLANNED, BLOCKED, IN_PROGRESS, SUCCEEDED, FAILED
}
