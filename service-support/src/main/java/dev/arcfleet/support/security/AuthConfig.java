package dev.arcfleet.support.security;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

@ConfigMapping(prefix = "fleet.auth")
public interface AuthConfig {
    /** Off only for tests and trusted single-user setups: every request then acts as admin. */
    @WithDefault("true")
    boolean enabled();

    /**
     * A file holding the bootstrap admin token (one line). {@code bin/fleet-local up} writes {@code .local/admin-token};
     * in Kubernetes, mount it from a Secret. Without it only tokens created through the API exist.
     */
    Optional<String> adminTokenFile();

    /**
     * Services other than inventory-service check tokens with it: {@code POST <this URL>} with {@code {"token": ...}}
     * (inventory's {@code /api/v1/tokens/introspect}). Without it they accept the bootstrap admin token only.
     */
    Optional<String> introspectionUrl();

    /**
     * A file holding the service token (one line, at least 24 characters) the services present to one another:
     * inventory-service answers token introspection only to it (role {@code service}) or to an admin; planner and
     * executor send it with every introspection call. Mount the same Secret into all three.
     */
    Optional<String> serviceTokenFile();

    /** How long such an answer is reused; a revoked token is refused by these services at most this much later. */
    @WithDefault("30s")
    java.time.Duration introspectionCacheTtl();
}
