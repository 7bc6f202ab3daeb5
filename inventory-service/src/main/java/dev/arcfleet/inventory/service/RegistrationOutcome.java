package dev.arcfleet.inventory.service;

/** What happened to one accepted registration. */
public enum RegistrationOutcome {
    /** A new node, or changed facts: stored and published to fleet.nodes. */
    ACCEPTED,
    /** The same facts as stored: nothing published. */
    UNCHANGED
}
