package dev.arcfleet.local.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An API answer for the terminal: {@code json} is the answer as the API gave it (indented); {@code table} puts an
 * array of objects in columns, an object's scalar fields one per line and its arrays of objects as tables beneath.
 */
public final class Render {
    /** A cell holding nested JSON is cut to this many characters. */
    static final int CELL = 60;

    private Render() {}

    public enum Output {
        json,
        table
    }

    public static String render(JsonNode answer, Output output) {
        return output == Output.json ? json(answer) : table(answer);
    }

    public static String json(JsonNode answer) {
        try {
            return answer.isTextual()
                    ? answer.asText()
                    : FleetApi.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(answer);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String table(JsonNode answer) {
        if (answer.isArray()) {
            return columns(answer);
        }
        if (!answer.isObject()) {
            return answer.isTextual() ? answer.asText() : answer.toString();
        }
        StringBuilder text = new StringBuilder();
        int width = 0;
        for (Iterator<String> names = answer.fieldNames(); names.hasNext(); ) {
            width = Math.max(width, names.next().length());
        }
        List<Map.Entry<String, JsonNode>> tables = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> fields = answer.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> f = fields.next();
            if (f.getValue().isArray()
                    && !f.getValue().isEmpty()
                    && f.getValue().get(0).isObject()) {
                tables.add(f);
            } else {
                text.append(String.format("%-" + width + "s  %s%n", f.getKey(), cell(f.getValue())));
            }
        }
        for (Map.Entry<String, JsonNode> t : tables) {
            text.append(System.lineSeparator())
                    .append(t.getKey())
                    .append(':')
                    .append(System.lineSeparator())
                    .append(columns(t.getValue()));
        }
        return text.toString().stripTrailing();
    }

    /** An array of objects in columns, one per field name met (in the order met); other arrays one value a line. */
    static String columns(JsonNode array) {
        if (array.isEmpty()) {
            return "(none)";
        }
        Set<String> names = new LinkedHashSet<>();
        for (JsonNode row : array) {
            if (!row.isObject()) {
                List<String> lines = new ArrayList<>();
                array.forEach(v -> lines.add(cell(v)));
                return String.join(System.lineSeparator(), lines);
            }
            row.fieldNames().forEachRemaining(names::add);
        }
        List<String> header = new ArrayList<>(names);
        List<List<String>> rows = new ArrayList<>();
        int[] widths = header.stream().mapToInt(String::length).toArray();
        for (JsonNode row : array) {
            List<String> cells = new ArrayList<>();
            for (int i = 0; i < header.size(); i++) {
                String c = row.has(header.get(i)) ? cell(row.get(header.get(i))) : "";
                widths[i] = Math.max(widths[i], c.length());
                cells.add(c);
            }
            rows.add(cells);
        }
        StringBuilder text = new StringBuilder(line(header, widths));
        StringBuilder rule = new StringBuilder();
        for (int i = 0; i < widths.length; i++) {
            rule.append(i == 0 ? "" : "  ").append("-".repeat(widths[i]));
        }
        text.append(System.lineSeparator()).append(rule);
        rows.forEach(r -> text.append(System.lineSeparator()).append(line(r, widths)));
        return text.toString();
    }

    private static String line(List<String> cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            line.append(i == 0 ? "" : "  ").append(String.format("%-" + widths[i] + "s", cells.get(i)));
        }
        return line.toString().stripTrailing();
    }

    static String cell(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return "";
        }
        String text = value.isValueNode() ? value.asText() : value.toString();
        text = text.replace('\n', ' ');
        return text.length() > CELL ? text.substring(0, CELL - 3) + "..." : text;
    }
}
