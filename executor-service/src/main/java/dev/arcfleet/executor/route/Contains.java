package dev.arcfleet.executor.route;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Whether a document as a server returns it already holds everything a desired document states: maps by their
 * entries (the server may add more), lists element by element, numbers by value. The one comparison behind "unchanged"
 * for Kubernetes objects and "present" for ARM resources; each says which keys the server never returns and whether
 * strings compare without case. Pure.
 */
public final class Contains {
    private Contains() {}

    /**
     * @param skipKeys keys, at any depth, not compared (the server does not return them, or rewrites them)
     * @param ignoreCase strings compare case-insensitively (ARM's enum values and resource ids)
     * @param skipPlaceholders {@code ${...}} values are not compared (resolved only when written)
     */
    public static boolean contains(
            Object have, Object want, Set<String> skipKeys, boolean ignoreCase, boolean skipPlaceholders) {
        if (want == null) {
            return true;
        }
        if (skipPlaceholders && want instanceof String s && s.startsWith("${")) {
            return true;
        }
        if (want instanceof Map<?, ?> w) {
            if (!(have instanceof Map<?, ?> h)) {
                return w.isEmpty();
            }
            for (Map.Entry<?, ?> e : w.entrySet()) {
                if (!skipKeys.contains(String.valueOf(e.getKey()))
                        && !contains(h.get(e.getKey()), e.getValue(), skipKeys, ignoreCase, skipPlaceholders)) {
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
                if (!contains(h.get(i), w.get(i), skipKeys, ignoreCase, skipPlaceholders)) {
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
        return ignoreCase
                ? String.valueOf(have).equalsIgnoreCase(String.valueOf(want))
                : String.valueOf(have).equals(String.valueOf(want));
    }
}
