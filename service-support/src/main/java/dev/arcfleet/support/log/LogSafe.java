package dev.arcfleet.support.log;

/**
 * A value from outside the service (an id, a header, a detail a device or an operator sent) as it may stand in a log
 * line: control characters (C0, DEL, C1), Unicode line and paragraph separators and bidirectional overrides are
 * written as escapes ({@code \r}, {@code \n}, {@code \t}, {@code \u001b}), so a value can neither start a forged log
 * line nor steer a terminal; a value longer than {@link #MAX_LENGTH} is clipped, its length said. Anything else,
 * non-ASCII letters included, passes unchanged.
 */
public final class LogSafe {
    /** The most characters of one value a log line carries. */
    public static final int MAX_LENGTH = 2048;

    private LogSafe() {
    }

    /** {@code value}'s text made safe for a log line; {@code "null"} for null. */
    public static String of(Object value) {
        String s = String.valueOf(value);
        int end = Math.min(s.length(), MAX_LENGTH);
        int i = 0;
        while (i < end && !unsafe(s.charAt(i))) {
            i++;
        }
        if (i == s.length()) {
            return s;
        }
        StringBuilder out = new StringBuilder(end + 16).append(s, 0, i);
        for (; i < end; i++) {
            char c = s.charAt(i);
            if (!unsafe(c)) {
                out.append(c);
            } else if (c == '\r') {
                out.append("\\r");
            } else if (c == '\n') {
                out.append("\\n");
            } else if (c == '\t') {
                out.append("\\t");
            } else {
                out.append(String.format("\\u%04x", (int) c));
            }
        }
        if (s.length() > end) {
            out.append("...(").append(s.length()).append(" chars)");
        }
        return out.toString();
    }

    private static boolean unsafe(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029'
                || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069');
    }
}
