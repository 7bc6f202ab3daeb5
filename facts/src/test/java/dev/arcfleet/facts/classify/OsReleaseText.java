package dev.arcfleet.facts.classify;

import java.util.LinkedHashMap;
import java.util.Map;

/** Reads an os-release file the way a node agent sends it: key/value pairs, values verbatim (quotes kept). */
final class OsReleaseText {
    private OsReleaseText() {}

    static Map<String, String> parse(String text) {
        Map<String, String> pairs = new LinkedHashMap<>();
        if (text == null) {
            return pairs;
        }
        text.lines()
                .filter(line -> !line.isBlank() && !line.strip().startsWith("#") && line.contains("="))
                .forEach(line -> {
                    int equals = line.indexOf('=');
                    pairs.put(line.substring(0, equals), line.substring(equals + 1));
                });
        return pairs;
    }
}
