package dev.arcfleet.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** Nodes counted by route and state (a node with no decision yet is UNDECIDED, with no state PENDING). */
public final class FleetTable {
    static final List<String> ROUTES =
            List.of("ARC_K8S", "IOT_OPERATIONS", "COMPANION_VM", "DIRECT_AGENT", "BLOCKED", "UNDECIDED");
    static final List<String> STATES =
            List.of("PENDING", "PLANNED", "IN_PROGRESS", "SUCCEEDED", "FAILED", "BLOCKED", "HANDED_OFF");

    private final Map<String, Map<String, Integer>> counts = new TreeMap<>(byOrder(ROUTES));

    public void count(JsonNode node) {
        counts.computeIfAbsent(route(node), k -> new TreeMap<>(byOrder(STATES))).merge(state(node), 1, Integer::sum);
    }

    public int total() {
        return counts.values().stream()
                .flatMap(m -> m.values().stream())
                .mapToInt(Integer::intValue)
                .sum();
    }

    static String route(JsonNode n) {
        String r = n.path("onboarding").path("route").asText("");
        return r.isEmpty() ? "UNDECIDED" : r;
    }

    static String state(JsonNode n) {
        String s = n.path("onboarding").path("state").asText("");
        return s.isEmpty() ? "PENDING" : s;
    }

    /** {@code {"ARC_K8S": {"SUCCEEDED": 3, ...}, ...}}. */
    public ObjectNode json() {
        ObjectNode all = FleetApi.JSON.createObjectNode();
        counts.forEach((route, states) -> {
            ObjectNode row = all.putObject(route);
            states.forEach(row::put);
        });
        return all;
    }

    /** The table: a row per route, a column per state met, with totals. */
    public String table() {
        Set<String> states = new TreeSet<>(byOrder(STATES));
        counts.values().forEach(m -> states.addAll(m.keySet()));
        StringBuilder header = new StringBuilder(String.format("%-16s", "route"));
        states.forEach(s -> header.append(String.format("%13s", s)));
        header.append(String.format("%8s", "total"));
        String rule = "-".repeat(header.length());
        StringBuilder text =
                new StringBuilder().append(header).append('\n').append(rule).append('\n');
        for (Map.Entry<String, Map<String, Integer>> route : counts.entrySet()) {
            StringBuilder row = new StringBuilder(String.format("%-16s", route.getKey()));
            int sum = 0;
            for (String s : states) {
                int c = route.getValue().getOrDefault(s, 0);
                sum += c;
                row.append(String.format("%13s", c == 0 ? "." : Integer.toString(c)));
            }
            text.append(row).append(String.format("%8d", sum)).append('\n');
        }
        text.append(rule).append('\n');
        text.append(String.format("%-16s", "all"))
                .append(" ".repeat(13 * states.size()))
                .append(String.format("%8d", total()));
        return text.toString();
    }

    /** Listed values first, in the list's order; others after them, alphabetically. */
    private static Comparator<String> byOrder(List<String> order) {
        return Comparator.<String>comparingInt(v -> order.indexOf(v) < 0 ? order.size() : order.indexOf(v))
                .thenComparing(Comparator.naturalOrder());
    }
}
