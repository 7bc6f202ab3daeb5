package dev.arcfleet.facts.classify;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the version out of a product name: the first free-standing version-like token, so "Talos (v1.8.2)" gives
 * {@code v1.8.2}, "Red Hat Enterprise Linux CoreOS 47.84.202102161611-0 (Ootpa)" gives
 * {@code 47.84.202102161611-0}, and the numbers inside code names such as "(aws-k8s-1.24)" are not reached. SUSE's
 * "15 SP5" becomes {@code 15.5}, the form SUSE itself uses in {@code VERSION_ID}.
 */
final class VersionText {
    private static final Pattern VERSION = Pattern.compile(
            "(?<![\\w.])(v?\\d+(?:\\.\\d+)*(?:-\\d+)?)(?:\\s+SP(\\d+))?(?!\\w)", Pattern.CASE_INSENSITIVE);

    private VersionText() {}

    static Optional<String> in(String productName) {
        if (productName == null) {
            return Optional.empty();
        }
        Matcher m = VERSION.matcher(productName);
        if (!m.find()) {
            return Optional.empty();
        }
        return Optional.of(m.group(2) == null ? m.group(1) : m.group(1) + "." + m.group(2));
    }
}
