package dev.arcfleet.inventory.kube;

import dev.arcfleet.support.kube.ClusterAccessException;

/** One line saying what went wrong, with the innermost cause (often the useful part: "Connection refused"). */
final class ErrorText {
    private static final int MAX = 500;

    private ErrorText() {}

    static String of(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = describe(t);
        if (root != t) {
            text += " (" + describe(root) + ")";
        }
        return text.length() <= MAX ? text : text.substring(0, MAX - 3) + "...";
    }

    private static String describe(Throwable t) {
        String message = t.getMessage();
        return message == null || message.isBlank()
                ? t.getClass().getSimpleName()
                : t instanceof ClusterAccessException ? message : t.getClass().getSimpleName() + ": " + message;
    }
}
