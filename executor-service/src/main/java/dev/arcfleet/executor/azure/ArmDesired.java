package dev.arcfleet.executor.azure;

import java.util.List;
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

    private ArmDesired() {
    }

    public static boolean satisfied(Map<String, Object> current, Map<String, Object> desired) {
        return desired == null || contains(current, desired);
    }

    private static boolean contains(Object have, Object want) {
        if (want == null) {
            return true;
        }
        if (want instanceof String s && s.startsWith("${")) {
            return true;
        }
        if (want instanceof Map<?, ?> w) {
            if (!(have instanceof Map<?, ?> h)) {
                return w.isEmpty();
            }
            for (Map.Entry<?, ?> e : w.entrySet()) {
                String key = String.valueOf(e.getKey());
                if (NOT_RETURNED.contains(key)) {
                    continue;
                }
                if (!contains(h.get(e.getKey()), e.getValue())) {
                    return false;
                }
            }
            return true;
        }
        if (want instanceof List<?> w) {
            if (!(have instanceof List<?> h) || h.size() != w.size()) {
                return false;
            }
            for (int i = 0; i < w.size(); i++) {
                if (!contains(h.get(i), w.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (have == null) {
            return false;
        }
        if (have instanceof Number a && want instanceof Number b) {
            return a.doubleValue() == b.doubleValue();
        }
        return String.valueOf(have).equalsIgnoreCase(String.valueOf(want));
    }
}
