package dev.arcfleet.support.security;

import java.time.Duration;
import java.util.Optional;

/** An {@link AuthConfig} with the values a test gives. */
record TestAuthConfig(
        boolean enabled,
        Optional<String> adminTokenFile,
        Optional<String> introspectionUrl,
        Optional<String> serviceTokenFile,
        Duration introspectionCacheTtl)
        implements AuthConfig {
    static TestAuthConfig enabledWith(Optional<String> adminTokenFile, Optional<String> serviceTokenFile) {
        return new TestAuthConfig(true, adminTokenFile, Optional.empty(), serviceTokenFile, Duration.ofSeconds(30));
    }
}
