package dev.arcfleet.contracts;

/**
 * What a status event says. {@code HANDED_OFF}: a DIRECT_AGENT plan was put in a site's hand-off kit (the site runs the
 * agent's own at-scale onboarding; the system does not carry it out), recorded with who made the kit and when.
 * {@code AWAITING_APPROVAL}, {@code APPROVED} and {@code REJECTED}: the planner's approval of an executable plan's
 * revision (no executor sees a revision before it is approved); the event's {@code actor} says who approved or
 * rejected it ({@code rule:<name>} for a policy approval rule).
 * {@code AWAITING_ROLLOUT}: the planner holds an approved revision for a running rollout, which releases it with
 * its batch.
 * {@code OFFBOARDING}, {@code OFFBOARDED} and {@code OFFBOARD_FAILED} are an offboarding execution's STARTED, SUCCEEDED
 * and FAILED; its steps report STEP_SUCCEEDED and RETRYING like onboarding's.
 */
public enum StatusType {
    PLANNED,
    BLOCKED,
    STARTED,
    STEP_SUCCEEDED,
    RETRYING,
    SUCCEEDED,
    FAILED,
    SUPERSEDED,
    HANDED_OFF,
    AWAITING_APPROVAL,
    APPROVED,
    REJECTED,
    OFFBOARDING,
    OFFBOARDED,
    OFFBOARD_FAILED,
    AWAITING_ROLLOUT
}
