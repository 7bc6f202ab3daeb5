package dev.arcfleet.contracts;

/** A node's onboarding state as the inventory shows it (docs/contracts.md#states). */
public enum OnboardingState {
    PENDING,
    PLANNED,
    BLOCKED,
    IN_PROGRESS,
    SUCCEEDED,
    FAILED,
    /** A DIRECT_AGENT node whose site received its hand-off kit: the site connects it with the agent itself. */
    HANDED_OFF,
    /** Its plan's revision awaits an operator's approval before any executor sees it. */
    AWAITING_APPROVAL,
    /** Its plan's approved revision is held by a running rollout until the rollout releases its batch. */
    AWAITING_ROLLOUT,
    /** An operator rejected its plan's revision: nothing is executed until it is approved again. */
    REJECTED,
    /** A retired node whose plan is being offboarded (its onboarding is being removed). */
    OFFBOARDING,
    /** A retired node whose plan's offboarding removed what its onboarding built. */
    OFFBOARDED,
    /** A retired node whose plan's offboarding failed. */
    OFFBOARD_FAILED
}
