package dev.arcfleet.inventory.imports;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arcfleet.contracts.FieldError;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The columns of a registration CSV, from its header row, and how one row becomes the registration JSON a device
 * would have sent, so that the same validator judges it and its errors name the same fields ({@code host.cpuCores}).
 * Cells are trimmed and an empty cell is an absent field. Numbers and booleans that do not parse are passed on as
 * text for the validator to reject. {@code requiredCapabilities} is {@code ;}-separated, {@code labels} is
 * {@code key=value;key=value}, and {@code osRelease.<KEY>} columns fill {@code osRelease}.
 */
public final class CsvColumns {
    static final String OS_RELEASE_PREFIX = "osRelease.";
    private static final Pattern INTEGER = Pattern.compile("-?\\d{1,18}");
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private enum Kind {
        TEXT,
        INTEGER,
        BOOLEAN,
        LIST,
        MAP,
        OS_RELEASE
    }

    private record Column(String name, Kind kind, String parent, String field) {}

    /** Column name → where its value goes in the registration JSON. */
    private static final Map<String, Column> KNOWN = new LinkedHashMap<>();

    static {
        known("deviceId", Kind.TEXT, null, "deviceId");
        known("hostname", Kind.TEXT, null, "hostname");
        known("site", Kind.TEXT, null, "site");
        known("deviceClass", Kind.TEXT, null, "deviceClass");
        known("osImage", Kind.TEXT, null, "osImage");
        known("kernelVersion", Kind.TEXT, null, "kernelVersion");
        known("architecture", Kind.TEXT, "host", "architecture");
        known("cpuCores", Kind.INTEGER, "host", "cpuCores");
        known("memoryMiB", Kind.INTEGER, "host", "memoryMiB");
        known("readOnlyUsr", Kind.BOOLEAN, "host", "readOnlyUsr");
        known("ostreeBooted", Kind.BOOLEAN, "host", "ostreeBooted");
        known("packageManager", Kind.TEXT, "host", "packageManager");
        known("clusterId", Kind.TEXT, "cluster", "id");
        known("distribution", Kind.TEXT, "cluster", "distribution");
        known("kubevirt", Kind.BOOLEAN, "virtualization", "kubevirt");
        known("talosWorkloadVm", Kind.BOOLEAN, "virtualization", "talosWorkloadVm");
        known("firecracker", Kind.BOOLEAN, "virtualization", "firecracker");
        known("requiredCapabilities", Kind.LIST, null, "requiredCapabilities");
        known("labels", Kind.MAP, null, "labels");
    }

    private static void known(String name, Kind kind, String parent, String field) {
        KNOWN.put(name.toLowerCase(Locale.ROOT), new Column(name, kind, parent, field));
    }

    /** The column names a header may use, besides {@code osRelease.<KEY>}. */
    public static List<String> knownNames() {
        return KNOWN.values().stream().map(Column::name).toList();
    }

    public record Header(CsvColumns columns, List<FieldError> errors) {
        public boolean valid() {
            return errors.isEmpty();
        }
    }

    /** One row as registration JSON, or why the row itself (not a field of the registration) is unreadable. */
    public record Row(ObjectNode json, List<FieldError> errors) {
        public boolean valid() {
            return errors.isEmpty();
        }
    }

    private final List<Column> columns;

    private CsvColumns(List<Column> columns) {
        this.columns = columns;
    }

    /** Column names match case-insensitively; an unknown or repeated column is an error, so a typo is not lost data. */
    public static Header parse(List<String> header) {
        List<FieldError> errors = new ArrayList<>();
        List<Column> columns = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < header.size(); i++) {
            String name = header.get(i).trim();
            Column column;
            if (name.regionMatches(true, 0, OS_RELEASE_PREFIX, 0, OS_RELEASE_PREFIX.length())
                    && name.length() > OS_RELEASE_PREFIX.length()) {
                String key = name.substring(OS_RELEASE_PREFIX.length());
                column = new Column(OS_RELEASE_PREFIX + key, Kind.OS_RELEASE, "osRelease", key);
            } else {
                column = KNOWN.get(name.toLowerCase(Locale.ROOT));
            }
            if (column == null) {
                errors.add(new FieldError(
                        "header[" + i + "]",
                        "unknown column \"" + name + "\"; columns are " + String.join(",", knownNames())
                                + " and osRelease.<KEY>"));
            } else if (!seen.add(column.name().toLowerCase(Locale.ROOT))) {
                errors.add(new FieldError("header[" + i + "]", "column \"" + name + "\" appears twice"));
            }
            columns.add(column);
        }
        if (!seen.contains("deviceid")) {
            errors.add(new FieldError("header", "has no deviceId column"));
        }
        return new Header(errors.isEmpty() ? new CsvColumns(List.copyOf(columns)) : null, errors);
    }

    public Row toJson(List<String> cells) {
        if (cells.size() != columns.size()) {
            return new Row(
                    null,
                    List.of(new FieldError("$", "has " + cells.size() + " cells, the header has " + columns.size())));
        }
        ObjectNode json = JSON.objectNode();
        List<FieldError> errors = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            String value = cells.get(i).trim();
            if (!value.isEmpty()) {
                Column column = columns.get(i);
                ObjectNode target = column.parent() == null ? json : child(json, column.parent());
                put(target, column, value, errors);
            }
        }
        return new Row(errors.isEmpty() ? json : null, errors);
    }

    private static ObjectNode child(ObjectNode json, String name) {
        return json.get(name) instanceof ObjectNode existing ? existing : json.putObject(name);
    }

    private static void put(ObjectNode target, Column column, String value, List<FieldError> errors) {
        switch (column.kind()) {
            case TEXT, OS_RELEASE -> target.put(column.field(), value);
            case INTEGER -> {
                if (INTEGER.matcher(value).matches()) {
                    target.put(column.field(), Long.parseLong(value));
                } else {
                    target.put(column.field(), value);
                }
            }
            case BOOLEAN -> {
                if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
                    target.put(column.field(), Boolean.parseBoolean(value.toLowerCase(Locale.ROOT)));
                } else {
                    target.put(column.field(), value);
                }
            }
            case LIST -> {
                ArrayNode list = target.putArray(column.field());
                for (String item : value.split(";")) {
                    if (!item.isBlank()) {
                        list.add(item.trim());
                    }
                }
            }
            case MAP -> {
                ObjectNode map = target.putObject(column.field());
                for (String pair : value.split(";")) {
                    if (pair.isBlank()) {
                        continue;
                    }
                    int eq = pair.indexOf('=');
                    if (eq <= 0) {
                        errors.add(new FieldError(
                                column.field(),
                                "must be key=value pairs separated by ';', got \"" + pair.trim() + "\""));
                    } else {
                        map.put(
                                pair.substring(0, eq).trim(),
                                pair.substring(eq + 1).trim());
                    }
                }
            }
        }
    }
}
