package dev.arcfleet.facts.normalize;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arcfleet.contracts.Capability;
import dev.arcfleet.contracts.ClusterRef;
import dev.arcfleet.contracts.DeviceClass;
import dev.arcfleet.contracts.FieldError;
import dev.arcfleet.contracts.HostFacts;
import dev.arcfleet.contracts.Registration;
import dev.arcfleet.contracts.Virtualization;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Checks one registration as JSON, field by field, and answers every bad field at once rather than the first: a
 * device fleet gets one round trip to learn what to fix. Unknown fields are ignored (the contract may grow).
 * No text, map key or map value may hold a control character (NUL, line breaks, escape sequences, C1): PostgreSQL
 * cannot store a NUL, and the others would reach log lines and dashboards as they are.
 */
public class RegistrationValidator {
    static final Pattern ID = Pattern.compile("[A-Za-z0-9._:/-]{1,253}");
    static final Pattern CLUSTER_ID = Pattern.compile("[A-Za-z0-9._:-]{1,253}");
    static final int MAX_TEXT = 512;
    static final int MAX_MAP_ENTRIES = 256;
    static final long MAX_CORES = 4096;
    static final long MAX_MEMORY_MIB = 64L * 1024 * 1024;
    static final String CONTROL = "must not contain control characters (NUL, line breaks, escapes)";
    private static final String DEVICE_CLASSES =
            Arrays.stream(DeviceClass.values()).map(Enum::name).collect(Collectors.joining(", "));
    private static final String CAPABILITIES =
            Arrays.stream(Capability.values()).map(Enum::name).collect(Collectors.joining(", "));

    public Validated validate(JsonNode node) {
        List<FieldError> errors = new ArrayList<>();
        if (node == null || !node.isObject()) {
            errors.add(new FieldError("$", "must be a JSON object, got " + kind(node)));
            return Validated.rejected(errors);
        }
        String deviceId = text(node, "deviceId", errors, true, 253);
        if (deviceId != null && !ID.matcher(deviceId).matches()) {
            errors.add(new FieldError("deviceId", "must be 1 to 253 characters of A-Za-z0-9._:/-"));
        }
        String hostname = text(node, "hostname", errors, false, 253);
        String site = text(node, "site", errors, false, 128);
        if (site != null && !dev.arcfleet.contracts.Ids.SITE.matcher(site).matches()) {
            // the shape every reader of a site checks (the executor refuses plans with another): refused here first
            errors.add(
                    new FieldError("site", "must be 1 to 128 characters of A-Za-z0-9._:-, got \"" + clip(site) + "\""));
        }
        String deviceClass = text(node, "deviceClass", errors, false, 32);
        if (deviceClass != null && !isEnum(DeviceClass.class, deviceClass)) {
            errors.add(new FieldError(
                    "deviceClass", "must be one of " + DEVICE_CLASSES + ", got \"" + clip(deviceClass) + "\""));
        }
        Map<String, String> osRelease = stringMap(node, "osRelease", errors, 1024);
        String osImage = text(node, "osImage", errors, false, MAX_TEXT);
        String kernelVersion = text(node, "kernelVersion", errors, false, 256);
        HostFacts host = host(node.get("host"), errors);
        ClusterRef cluster = cluster(node.get("cluster"), errors);
        Virtualization virtualization = virtualization(node.get("virtualization"), errors);
        List<String> capabilities = capabilities(node.get("requiredCapabilities"), errors);
        Map<String, String> labels = stringMap(node, "labels", errors, 317);
        if (!errors.isEmpty()) {
            return Validated.rejected(errors);
        }
        return Validated.ok(new Registration(
                deviceId,
                hostname,
                site,
                deviceClass,
                osRelease,
                osImage,
                kernelVersion,
                host,
                cluster,
                virtualization,
                capabilities,
                labels));
    }

    private static HostFacts host(JsonNode host, List<FieldError> errors) {
        if (isAbsent(host)) {
            return null;
        }
        if (!host.isObject()) {
            errors.add(new FieldError("host", "must be an object, got " + kind(host)));
            return null;
        }
        String architecture = text(host, "architecture", errors, false, 32, "host.");
        Long cores = integer(host, "cpuCores", 1, MAX_CORES, errors);
        Long memory = integer(host, "memoryMiB", 1, MAX_MEMORY_MIB, errors);
        Boolean readOnlyUsr = bool(host, "readOnlyUsr", errors, "host.");
        Boolean ostreeBooted = bool(host, "ostreeBooted", errors, "host.");
        String packageManager = text(host, "packageManager", errors, false, 32, "host.");
        return new HostFacts(
                architecture,
                cores == null ? null : cores.intValue(),
                memory,
                readOnlyUsr,
                ostreeBooted,
                packageManager);
    }

    private static ClusterRef cluster(JsonNode cluster, List<FieldError> errors) {
        if (isAbsent(cluster)) {
            return null;
        }
        if (!cluster.isObject()) {
            errors.add(new FieldError("cluster", "must be an object with an id, got " + kind(cluster)));
            return null;
        }
        String id = text(cluster, "id", errors, true, 253, "cluster.");
        if (id != null && !CLUSTER_ID.matcher(id).matches()) {
            errors.add(new FieldError("cluster.id", "must be 1 to 253 characters of A-Za-z0-9._:-"));
        }
        String distribution = text(cluster, "distribution", errors, false, 64, "cluster.");
        return new ClusterRef(id, distribution);
    }

    private static Virtualization virtualization(JsonNode v, List<FieldError> errors) {
        if (isAbsent(v)) {
            return null;
        }
        if (!v.isObject()) {
            errors.add(new FieldError("virtualization", "must be an object, got " + kind(v)));
            return null;
        }
        return new Virtualization(
                bool(v, "kubevirt", errors, "virtualization."),
                bool(v, "talosWorkloadVm", errors, "virtualization."),
                bool(v, "firecracker", errors, "virtualization."));
    }

    private static List<String> capabilities(JsonNode caps, List<FieldError> errors) {
        if (isAbsent(caps)) {
            return null;
        }
        if (!caps.isArray()) {
            errors.add(new FieldError(
                    "requiredCapabilities", "must be an array of " + CAPABILITIES + ", got " + kind(caps)));
            return null;
        }
        List<String> result = new ArrayList<>();
        for (int i = 0; i < caps.size(); i++) {
            JsonNode c = caps.get(i);
            if (!c.isTextual() || !isEnum(Capability.class, c.asText())) {
                errors.add(new FieldError(
                        "requiredCapabilities[" + i + "]",
                        "must be one of " + CAPABILITIES + ", got "
                                + (c.isTextual() ? "\"" + clip(c.asText()) + "\"" : kind(c))));
            } else {
                result.add(c.asText().trim().toUpperCase());
            }
        }
        return result;
    }

    private static Map<String, String> stringMap(JsonNode parent, String field, List<FieldError> errors, int maxKey) {
        JsonNode map = parent.get(field);
        if (isAbsent(map)) {
            return null;
        }
        if (!map.isObject()) {
            errors.add(new FieldError(field, "must be an object of string values, got " + kind(map)));
            return null;
        }
        if (map.size() > MAX_MAP_ENTRIES) {
            errors.add(new FieldError(field, "must have at most " + MAX_MAP_ENTRIES + " entries, got " + map.size()));
            return null;
        }
        Map<String, String> result = new LinkedHashMap<>();
        map.fields().forEachRemaining(e -> {
            JsonNode v = e.getValue();
            String path = field + "." + clip(e.getKey());
            if (e.getKey().isEmpty() || e.getKey().length() > maxKey) {
                errors.add(new FieldError(path, "key must be 1 to " + maxKey + " characters"));
            } else if (hasControl(e.getKey())) {
                errors.add(new FieldError(path, CONTROL));
            } else if (v.isNull()) {
                return;
            } else if (!v.isValueNode()) {
                errors.add(new FieldError(path, "must be a string, got " + kind(v)));
            } else if (v.asText().length() > 1024) {
                errors.add(new FieldError(
                        path,
                        "must be at most 1024 characters, got " + v.asText().length()));
            } else if (hasControl(v.asText())) {
                errors.add(new FieldError(path, CONTROL));
            } else {
                result.put(e.getKey(), v.asText());
            }
        });
        return result;
    }

    private static String text(JsonNode parent, String field, List<FieldError> errors, boolean required, int max) {
        return text(parent, field, errors, required, max, "");
    }

    private static String text(
            JsonNode parent, String field, List<FieldError> errors, boolean required, int max, String prefix) {
        JsonNode v = parent.get(field);
        if (isAbsent(v)) {
            if (required) {
                errors.add(new FieldError(prefix + field, "is required"));
            }
            return null;
        }
        if (!v.isTextual()) {
            errors.add(new FieldError(prefix + field, "must be a string, got " + kind(v)));
            return null;
        }
        String s = v.asText();
        if (s.isBlank()) {
            if (required) {
                errors.add(new FieldError(prefix + field, "is required and must not be blank"));
            }
            return null;
        }
        if (s.length() > max) {
            errors.add(new FieldError(prefix + field, "must be at most " + max + " characters, got " + s.length()));
            return null;
        }
        if (hasControl(s)) {
            errors.add(new FieldError(prefix + field, CONTROL));
            return null;
        }
        return s;
    }

    private static Long integer(JsonNode parent, String field, long min, long max, List<FieldError> errors) {
        JsonNode v = parent.get(field);
        if (isAbsent(v)) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < min || v.asLong() > max) {
            errors.add(new FieldError(
                    "host." + field,
                    "must be an integer from " + min + " to " + max + ", got "
                            + (v.isValueNode() ? clip(v.asText()) : kind(v))));
            return null;
        }
        return v.asLong();
    }

    private static Boolean bool(JsonNode parent, String field, List<FieldError> errors, String prefix) {
        JsonNode v = parent.get(field);
        if (isAbsent(v)) {
            return null;
        }
        if (!v.isBoolean()) {
            errors.add(new FieldError(
                    prefix + field, "must be true or false, got " + (v.isValueNode() ? clip(v.asText()) : kind(v))));
            return null;
        }
        return v.booleanValue();
    }

    static boolean hasControl(String s) {
        return s.chars().anyMatch(Character::isISOControl);
    }

    private static <E extends Enum<E>> boolean isEnum(Class<E> type, String value) {
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(value.trim())) {
                return true;
            }
        }
        return false;
    }

    private static boolean isAbsent(JsonNode v) {
        return v == null || v.isNull() || v.isMissingNode();
    }

    static String kind(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return "null";
        }
        if (v.isObject()) {
            return "an object";
        }
        if (v.isArray()) {
            return "an array";
        }
        if (v.isTextual()) {
            return "a string";
        }
        if (v.isNumber()) {
            return "a number";
        }
        if (v.isBoolean()) {
            return "a boolean";
        }
        return v.getNodeType().name().toLowerCase();
    }

    private static String clip(String s) {
        return s.length() <= 64 ? s : s.substring(0, 61) + "...";
    }
}
