package dev.arcfleet.contracts;

/**
 * What a plan asks of the executor for its target: {@code ONBOARD} (build what the route needs) or {@code OFFBOARD}
 * (remove what onboarding built, in the order the Azure tools use). A plan without an action onboards.
 */
public enum PlanAction {
    ONBOARD,
    OFFBOARD
}
