package dev.arcfleet.executor.route;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/** Azure and Kubernetes names derived from fleet ids, within both sets of naming rules. */
public final class Names {
    /** "-" and 8 hex digits. */
    private static final int HASH_SUFFIX = 9;

    private Names() {}

    /**
     * The name of a resource for {@code id}: lower-case letters, digits and dashes, at most {@code max} characters,
     * beginning and ending with a letter or digit. An id that already is such a name is its own name; any other (one
     * that mapping or shortening changed, so that {@code a:b} and {@code a/b} would meet) keeps as much of its readable
     * form as fits and ends in {@code -} and the first 8 hex digits of the SHA-256 of the id: two ids, two names.
     * Stable and idempotent.
     */
    public static String dns(String id, int max) {
        String readable = slug(id, max);
        if (readable.equals(id)) {
            return readable;
        }
        String hash = hash(id);
        if (max <= HASH_SUFFIX) {
            return hash.substring(0, Math.max(1, Math.min(max, hash.length())));
        }
        String head = trimmed(id, max - HASH_SUFFIX);
        return head.isEmpty() ? hash : head + "-" + hash;
    }

    /**
     * A readable name for something that is not a resource (a step's name): the same characters as {@link #dns},
     * mapped lossily, so not unique.
     */
    public static String slug(String id, int max) {
        String s = trimmed(id, max);
        return s.isEmpty() ? "x" : s;
    }

    private static String trimmed(String id, int max) {
        String s = id.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-").replaceAll("-{2,}", "-");
        s = s.replaceAll("^-+", "");
        if (s.length() > max) {
            s = s.substring(0, max);
        }
        return s.replaceAll("-+$", "");
    }

    private static String hash(String id) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }
}
