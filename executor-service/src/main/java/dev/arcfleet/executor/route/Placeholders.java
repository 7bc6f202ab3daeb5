package dev.arcfleet.executor.route;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Values a step knows only when it runs, written {@code ${name}} in what a route returns: secrets that must never be
 * planned or recorded (an agent key, the onboarding principal), and {@code ${arm:<resourceId>@<apiVersion>#<path>}},
 * a value of another ARM resource read when the step runs (a workspace's customer id, a managed identity's principal
 * id). A placeholder that is a whole value is replaced by the value; one inside a longer string (a JSON document in a
 * Secret) is replaced by the value escaped for a JSON string. Pure.
 */
public final class Placeholders {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{[^}]+}");
    private static final Pattern ARM = Pattern.compile("^\\$\\{arm:([^@#}]+)@([^#}]+)#([^}]+)}$");

    private Placeholders() {}

    /** A reference to {@code path} (e.g. {@code identity.principalId}) of the resource, read with the api-version. */
    public record ArmReference(String resourceId, String apiVersion, String path) {}

    public static String arm(String resourceId, String apiVersion, String path) {
        return "${arm:" + resourceId + "@" + apiVersion + "#" + path + "}";
    }

    /** The reference a placeholder stands for, or null when it is not an ARM reference. */
    public static ArmReference armReference(String placeholder) {
        Matcher m = ARM.matcher(placeholder);
        return m.matches() ? new ArmReference(m.group(1), m.group(2), m.group(3)) : null;
    }

    /** A copy with each placeholder replaced by {@code values}' answer; one it answers null for stays as it is. */
    public static Map<String, Object> resolve(Map<String, Object> map, Function<String, String> values) {
        Map<String, Object> copy = new LinkedHashMap<>();
        map.forEach((k, v) -> copy.put(k, resolveValue(v, values)));
        return copy;
    }

    @SuppressWarnings("unchecked")
    private static Object resolveValue(Object v, Function<String, String> values) {
        if (v instanceof Map<?, ?> m) {
            return resolve((Map<String, Object>) m, values);
        }
        if (v instanceof List<?> list) {
            return list.stream().map(x -> resolveValue(x, values)).toList();
        }
        if (!(v instanceof String s) || !s.contains("${")) {
            return v;
        }
        if (PLACEHOLDER.matcher(s).matches()) {
            String value = values.apply(s);
            return value == null ? s : value;
        }
        Matcher m = PLACEHOLDER.matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.apply(m.group());
            m.appendReplacement(out, Matcher.quoteReplacement(value == null ? m.group() : jsonEscaped(value)));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** {@code value} as it may stand between the quotes of a JSON string. */
    public static String jsonEscapedText(String value) {
        return jsonEscaped(value);
    }

    static String jsonEscaped(String value) {
        StringBuilder out = new StringBuilder();
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
