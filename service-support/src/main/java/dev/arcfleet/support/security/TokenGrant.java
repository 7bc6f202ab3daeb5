package dev.arcfleet.support.security;

/** What a valid token grants: a name for logs, one role, and for a registrar token the site it is bound to. */
public record TokenGrant(String name, String role, String site) {}
