package dev.arcfleet.inventory.registrations;

/** What happened to one valid registration. */
public enum RegistrationOutcome {
    /** A new node, or changed facts: stored and published to fleet.nodes. */
    ACCEPTED,
    /** The same facts as stored: nothing published. */
    UNCHANGED,
    /**
     * Facts the registry cannot hold as they are (a value derived from them, such as the OS version taken from
     * {@code osRelease.VERSION_ID}, is longer than its column): nothing stored; the errors say which.
     */
    REFUSED,
    /**
     * Another site's node or cluster (issue 19): a registrar token, or a Kafka registration, named a node or a cluster
     * that belongs to a site other than its own, or would move a node to another site. Nothing stored.
     */
    FORBIDDEN;

    public boolean stored() {
        return this == ACCEPTED || this == UNCHANGED;
    }
}
