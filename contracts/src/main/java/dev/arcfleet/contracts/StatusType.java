package dev.arcfleet.contracts;

/**
 * What a status event says. {@code HANDED_OFF}: a DIRECT_AGENT plan was put in a site's hand-off kit (the site runs the
 * agent's own at-scale onboarding; the system does not carry it out), recorded with who made the kit and when.
 */
public enum StatusType {
    PLANNED, BLOCKED, STARTED, STEP_SUCCEEDED, RETRYING, SUCCEEDED, FAILED, SUPERSEDED, HANDED_OFF
}
