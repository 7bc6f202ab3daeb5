package dev.arcfleet.planner.plan;

/** Where a plan stands on the planner's side (what the executor reports is its execution state). */
public enum PlanState {
    /** Waits for the plan it depends on (an IoT Operations plan waits for its cluster's Arc plan). */
    WAITING,
    PUBLISHED,
    /** No node points at it any more: a changed route or a retirement moved its node away. */
    SUPERSEDED,
    /**
     * A DIRECT_AGENT plan no site hand-off kit holds yet in its current revision; a kit moves it to PUBLISHED with
     * execution state HANDED_OFF (DIRECT_AGENT plans go to no executor topic).
     */
    AWAITING_HANDOFF,
    /**
     * An executable plan whose current revision no approval rule approved: it goes to no executor until an operator
     * approves it.
     */
    AWAITING_APPROVAL,
    /**
     * Approved, but a rollout holds it: it goes to no executor until the rollout releases it with its batch
     * (docs/contracts.md, "Rollouts").
     */
    AWAITING_ROLLOUT,
    /** An operator rejected its current revision: it goes to no executor until approved again. */
    REJECTED
}
