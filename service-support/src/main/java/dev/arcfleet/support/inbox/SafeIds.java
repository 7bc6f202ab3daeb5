package dev.arcfleet.support.inbox;

/**
 * The characters an id from a consumed event may hold, {@code A-Za-z0-9._:/@+=~-}, checked by a table rather than a
 * regular expression: every consumed event's ids pass here, and the regular expression cost the inventory 4.5 % of its
 * CPU (docs/benchmarks.md, 2026-12-05 08:25).
 */
public final class SafeIds {
    private static final boolean[] ALLOWED = new boolean[128];

    static {
        for (char c = 'a'; c <= 'z'; c++) {
            ALLOWED[c] = true;
        }
        for (char c = 'A'; c <= 'Z'; c++) {
            ALLOWED[c] = true;
        }
        for (char c = '0'; c <= '9'; c++) {
            ALLOWED[c] = true;
        }
        for (char c : "._:/@+=~-".toCharArray()) {
            ALLOWED[c] = true;
        }
    }

    private SafeIds() {}

    /** True when {@code value} is 1 to {@code max} characters, each one of {@code A-Za-z0-9._:/@+=~-}. */
    public static boolean isSafe(String value, int max) {
        int length = value.length();
        if (length == 0 || length > max) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            if (c >= ALLOWED.length || !ALLOWED[c]) {
                return false;
            }
        }
        return true;
    }
}
