package dev.arcfleet.support.security;

import java.util.Set;

/**
 * Who may do what. reader: read the registry (reads are open today; the role is there for OIDC setups); operator:
 * register nodes anywhere, import, manage clusters; admin: all of that and tokens; registrar: register nodes of its
 * one site only (a device registration token). A role includes the ones below it.
 */
public final class Roles {
    public static final String READER = "reader";
    public static final String OPERATOR = "operator";
    public static final String ADMIN = "admin";
    public static final String REGISTRAR = "registrar";
    /** The services themselves, on one another's internal endpoints (token introspection). */
    public static final String SERVICE = "service";
    /** The identity attribute naming the site a registrar token is bound to. */
    public static final String SITE_ATTRIBUTE = "fleet.site";

    private Roles() {}

    public static Set<String> granted(String role) {
        return switch (role) {
            case ADMIN -> Set.of(ADMIN, OPERATOR, READER);
            case OPERATOR -> Set.of(OPERATOR, READER);
            case READER -> Set.of(READER);
            case REGISTRAR -> Set.of(REGISTRAR);
            case SERVICE -> Set.of(SERVICE);
            default -> Set.of();
        };
    }

    public static boolean known(String role) {
        return !granted(role).isEmpty();
    }
}
