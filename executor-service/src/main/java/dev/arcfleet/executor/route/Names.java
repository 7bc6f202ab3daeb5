package dev.arcfleet.executor.route;

import java.util.Locale;

/** Azure and Kubernetes names derived from fleet ids, within both sets of naming rules. */
public final class Names {
    private Names() {
    }

    /** Lower-case letters, digits and dashes, at most {@code max} characters, never ending in a dash. */
    public static String dns(String id, int max) {
        String s = id.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-").replaceAll("-{2,}", "-");
        s = s.replaceAll("^-+", "");
        if (s.length() > max) {
            s = s.substring(0, max);
        }
        s = s.replaceAll("-+$", "");
        return s.isEmpty() ? "x" : s;
    }
}
