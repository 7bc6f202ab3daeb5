package dev.arcfleet.support.log;

/**
 * A value from outside the service (Kafka headers and keys, ids, request fields, record reasons, details a device or
 * an operator sent) as it may stand in a log line or a dead-letter header: control characters (C0, DEL, C1), Unicode
 * line and paragraph separators and bidirectional overrides are written as {@code \}{@code uXXXX}, so a value can
 * neither start a forged log line nor steer a terminal or reorder what an operator reads; a long value is clipped, its
 * length said. Anything else, non-ASCII letters included, passes unchanged.
 */
public final class LogSafe {
    /** The most characters of one value a log line carries. */
    public static final int MAX_LENGTH = 2048;

    private LogSafe() {}

    /** {@code value}'s text made safe for a log line, clipped at {@link #MAX_LENGTH}; {@code "null"} for null. */
    public static String of(Object value) {
        return of(value == null ? null : String.valueOf(value), MAX_LENGTH);
    }

    /** {@code value} made safe, clipped at {@code max} characters (before escaping); {@code "null"} for null. */
    public static String of(String value, int max) {
        if (value == null) {
            return "null";
        }
        boolean clipped = value.length() > max;
        String text = clipped ? value.substring(0, max) : value;
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (unsafe(c)) {
                if (out == null) {
                    out = new StringBuilder(text.length() + 16).append(text, 0, i);
                }
                out.append(String.format("\\u%04x", (int) c));
            } else if (out != null) {
                out.append(c);
            }
        }
        String safe = out == null ? text : out.toString();
        return clipped ? safe + "...(" + value.length() + " characters)" : safe;
    }

    /** True when the text holds a character {@link #of} would escape. */
    public static boolean hasUnsafe(String value) {
        return value != null && value.chars().anyMatch(c -> unsafe((char) c));
    }

    static boolean unsafe(char c) {
        return Character.isISOControl(c)
                || c == '\u2028'
                || c == '\u2029'
                || c >= '\u202a' && c <= '\u202e'
                || c >= '\u2066' && c <= '\u2069';
    }
}
