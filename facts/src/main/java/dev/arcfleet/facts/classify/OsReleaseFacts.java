package dev.arcfleet.facts.classify;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code /etc/os-release} as a node sent it, made comparable: keys trimmed and upper-case, values trimmed and
 * unquoted, empty values dropped. Identifier values ({@code ID}, {@code ID_LIKE}, {@code VARIANT_ID}) are read
 * lower-case, as os-release(5) defines them.
 */
final class OsReleaseFacts {
    private static final Pattern SURROUNDING_QUOTES = Pattern.compile("^[\"']+|[\"']+$");
    private static final List<String> KAIROS_KEYS_BY_WEIGHT =
            List.of("KAIROS_ID", "KAIROS_RELEASE", "KAIROS_FLAVOR", "KAIROS_VERSION", "KAIROS_NAME");

    private final Map<String, String> values;

    private OsReleaseFacts(Map<String, String> values) {
        this.values = values;
    }

    static OsReleaseFacts of(Map<String, String> raw) {
        Map<String, String> values = new LinkedHashMap<>();
        if (raw != null) {
            raw.forEach((key, value) -> {
                if (key == null || value == null) {
                    return;
                }
                String cleanValue =
                        SURROUNDING_QUOTES.matcher(value.trim()).replaceAll("").trim();
                if (!key.isBlank() && !cleanValue.isEmpty()) {
                    values.putIfAbsent(key.trim().toUpperCase(Locale.ROOT), cleanValue);
                }
            });
        }
        return new OsReleaseFacts(values);
    }

    boolean isEmpty() {
        return values.isEmpty();
    }

    Optional<String> value(String key) {
        return Optional.ofNullable(values.get(key));
    }

    /** {@code ID}, lower-case, or null. */
    String id() {
        return lowerCase("ID");
    }

    /** {@code VARIANT_ID}, lower-case, or null. */
    String variantId() {
        return lowerCase("VARIANT_ID");
    }

    /** The space-separated {@code ID_LIKE} tokens, lower-case. */
    List<String> idLike() {
        String idLike = lowerCase("ID_LIKE");
        return idLike == null ? List.of() : Arrays.asList(idLike.split("\\s+"));
    }

    /** The most telling {@code KAIROS_*} key present, as {@code KEY=value}. */
    Optional<String> kairosMarker() {
        return KAIROS_KEYS_BY_WEIGHT.stream()
                .filter(values::containsKey)
                .findFirst()
                .or(() -> values.keySet().stream()
                        .filter(key -> key.startsWith("KAIROS_"))
                        .findFirst())
                .map(key -> key + "=" + values.get(key));
    }

    private String lowerCase(String key) {
        String value = values.get(key);
        return value == null ? null : value.toLowerCase(Locale.ROOT);
    }
}
