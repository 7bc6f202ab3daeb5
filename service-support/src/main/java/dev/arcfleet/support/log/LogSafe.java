package dev.arcfleet.support.log;

/**
 * External values (Kafka headers and keys, request fields, record reasons) made safe to put in a log line or a
 * dead-letter header: control characters (C0, DEL, C1), line and paragraph separators and bidi overrides are written
 * as {@code \}{@code uXXXX}, so a device cannot forge log lines or reorder what an operator reads, and the text is
 * clipped.
 */
public final class LogSafe {
    /** What {@link #of(String)} keeps of a value, in characters (before escaping). */
    public static final int MAX = 256;

    private LogSafe() {
    }

    public static String of(String value) {
        return of(value, MAX);
    }

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
        return Character.isISOControl(c) || c == '\u2028' || c == '\u2029' || c >= '\u202a' && c <= '\u202e'
                || c >= '\u2066' && c <= '\u2069';
    }
}
