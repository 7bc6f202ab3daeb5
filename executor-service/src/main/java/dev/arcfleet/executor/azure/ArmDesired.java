package dev.arcfleet.executor.azure;

import dev.arcfleet.executor.route.Contains;
import java.util.Map;
import java.util.Set;

/**
 * Whether an ARM resource as GET returns it already is what a step would PUT, so that a rerun writes nothing and a
 * changed plan (a capability's settings, an OIDC issuer to enable) is written once. Everything the desired body states
 * must be in the current one, except what ARM never returns or rewrites: {@code location} (it normalises the name),
 * {@code configurationProtectedSettings} (never returned), and values resolved only when written
 * ({@code ${...}} placeholders: a key, a principal id). Strings compare case-insensitively, as ARM treats enum values
 * and resource ids.
 */
public final class ArmDesired {
    private static final Set<String> NOT_RETURNED = Set.of("location", "configurationProtectedSettings");

    private ArmDesired() {}

    public static boolean satisfied(Map<String, Object> current, Map<String, Object> desired) {
        return desired == null || Contains.contains(current, desired, NOT_RETURNED, true, true);
    }
}
