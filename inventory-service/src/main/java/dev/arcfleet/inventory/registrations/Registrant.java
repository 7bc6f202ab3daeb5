package dev.arcfleet.inventory.registrations;

import dev.arcfleet.support.security.Roles;
import io.quarkus.security.identity.SecurityIdentity;

/**
 * Who registers, as far as ownership goes (issue 19). A registrar token is bound to one site and touches only that
 * site's nodes and clusters; a Kafka producer carries no identity (the broker's ACL decides who may write
 * {@code fleet.registrations}), so it may create nodes but not take another site's node or cluster; an operator (and
 * discovery, which reads clusters an operator registered) may move a node to another site, and every move is recorded
 * with {@link #name}: the token's identity, never a field of the request.
 */
public record Registrant(String name, Kind kind, String site) {
    public enum Kind {
        OPERATOR,
        REGISTRAR,
        PRODUCER,
        DISCOVERY
    }

    /** Registrations read from {@code fleet.registrations}. */
    public static final Registrant KAFKA = new Registrant("kafka:" + "fleet.registrations", Kind.PRODUCER, null);
    /** Nodes read from the Kubernetes clusters an operator registered. */
    public static final Registrant DISCOVERY = new Registrant("discovery", Kind.DISCOVERY, null);

    /** The caller of a REST endpoint: a registrar token (bound to its site) or a person with the operator role. */
    public static Registrant of(SecurityIdentity identity) {
        String name =
                identity.isAnonymous() ? "anonymous" : identity.getPrincipal().getName();
        String site = identity.getAttribute(Roles.SITE_ATTRIBUTE);
        if (site != null || !identity.hasRole(Roles.OPERATOR)) {
            return new Registrant(name, Kind.REGISTRAR, site);
        }
        return new Registrant(name, Kind.OPERATOR, null);
    }

    /** Whether it may move a node from one site to another (and name another site's cluster). */
    public boolean maySetSites() {
        return kind == Kind.OPERATOR || kind == Kind.DISCOVERY;
    }
}
