package dev.arcfleet.planner.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arcfleet.contracts.Capability;
import dev.arcfleet.contracts.DeviceClass;
import dev.arcfleet.contracts.Route;
import dev.arcfleet.planner.decide.Policy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads a policy document (JSON; see {@code policy/default-policy.json}) into a {@link Policy}. Every problem is
 * reported at once, one message per bad field, as {@link PolicyException}. Fields left out take the seed values of
 * docs/architecture.md#policy. The version is the declared {@code version} plus a short hash of the content, so
 * editing a policy without bumping its name still yields a new version (and replanning).
 */
public final class PolicyDocument {
    private static final ObjectMapper CANONICAL = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private PolicyDocument() {
    }

    public static Policy parse(JsonNode doc) {
        List<String> errors = new ArrayList<>();
        if (doc == null || !doc.isObject()) {
            throw new PolicyException(List.of("policy: must be a JSON object"));
        }
        Policy seed = Policy.defaults("seed");
        Set<String> known = Set.of("version", "description", "deviceClassDefaults", "companionVm", "iotOperations", "routeRules");
        doc.fieldNames().forEachRemaining(n -> {
            if (!known.contains(n)) {
                errors.add(n + ": unknown field (known: " + known.stream().sorted().toList() + ")");
            }
        });
        String declared = text(doc, "version", errors);
        if (declared == null || declared.isBlank()) {
            declared = "policy";
        }

        Map<DeviceClass, Set<Capability>> defaults = new EnumMap<>(seed.deviceClassDefaults());
        JsonNode dcd = doc.get("deviceClassDefaults");
        if (dcd != null && !dcd.isNull()) {
            if (!dcd.isObject()) {
                errors.add("deviceClassDefaults: must be an object of device class to capability list");
            } else {
                dcd.fields().forEachRemaining(e -> {
                    DeviceClass dc = enumValue(DeviceClass.class, e.getKey(), "deviceClassDefaults." + e.getKey(), errors);
                    Set<Capability> caps = enumSet(Capability.class, e.getValue(), "deviceClassDefaults." + e.getKey(), errors);
                    if (dc != null && caps != null) {
                        defaults.put(dc, caps);
                    }
                });
            }
        }

        Policy.HostSize vm = seed.companionVm();
        JsonNode vmNode = doc.get("companionVm");
        if (vmNode != null && !vmNode.isNull()) {
            vm = new Policy.HostSize(positiveInt(vmNode, "minCpuCores", "companionVm", vm.minCpuCores(), errors),
                    positiveLong(vmNode, "minMemoryMiB", "companionVm", vm.minMemoryMiB(), errors));
        }

        Policy.IotOperations iot = seed.iotOperations();
        JsonNode iotNode = doc.get("iotOperations");
        if (iotNode != null && !iotNode.isNull()) {
            Set<String> archs = iot.architectures();
            JsonNode a = iotNode.get("architectures");
            if (a != null) {
                if (!a.isArray() || a.isEmpty()) {
                    errors.add("iotOperations.architectures: must be a non-empty array of architecture names");
                } else {
                    Set<String> s = new LinkedHashSet<>();
                    a.forEach(x -> s.add(x.asText().trim().toLowerCase(Locale.ROOT)));
                    archs = s;
                }
            }
            iot = new Policy.IotOperations(archs, positiveInt(iotNode, "minCpuCores", "iotOperations", iot.minCpuCores(), errors),
                    positiveLong(iotNode, "minMemoryMiB", "iotOperations", iot.minMemoryMiB(), errors));
        }

        List<Policy.RouteRule> rules = new ArrayList<>();
        JsonNode rr = doc.get("routeRules");
        if (rr != null && !rr.isNull()) {
            if (!rr.isArray()) {
                errors.add("routeRules: must be an array");
            } else {
                for (int i = 0; i < rr.size(); i++) {
                    JsonNode r = rr.get(i);
                    String at = "routeRules[" + i + "]";
                    if (!r.isObject()) {
                        errors.add(at + ": must be an object");
                        continue;
                    }
                    String site = r.hasNonNull("site") ? r.get("site").asText() : null;
                    Map<String, String> labels = new LinkedHashMap<>();
                    JsonNode l = r.get("labels");
                    if (l != null && !l.isNull()) {
                        if (!l.isObject()) {
                            errors.add(at + ".labels: must be an object of label to value");
                        } else {
                            l.fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
                        }
                    }
                    Set<Route> allow = enumSet(Route.class, r.get("allow"), at + ".allow", errors);
                    Set<Route> deny = enumSet(Route.class, r.get("deny"), at + ".deny", errors);
                    if (allow != null && allow.contains(Route.BLOCKED) || deny != null && deny.contains(Route.BLOCKED)) {
                        errors.add(at + ": BLOCKED is not a route that can be allowed or denied");
                    }
                    if (allow != null && deny != null && allow.isEmpty() && deny.isEmpty()) {
                        errors.add(at + ": needs a non-empty allow or deny list");
                    }
                    String name = r.hasNonNull("name") ? r.get("name").asText() : null;
                    rules.add(new Policy.RouteRule(name, site, labels, allow, deny));
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new PolicyException(errors);
        }
        return new Policy(declared + "+" + contentHash(doc), defaults, vm, iot, rules);
    }

    static String contentHash(JsonNode doc) {
        ObjectNode copy = doc.deepCopy();
        copy.remove("version");
        copy.remove("description");
        try {
            Object canonical = CANONICAL.treeToValue(copy, Object.class);
            byte[] bytes = CANONICAL.writeValueAsBytes(canonical);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)).substring(0, 8);
        } catch (com.fasterxml.jackson.core.JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("policy cannot be hashed", e);
        }
    }

    private static String text(JsonNode doc, String field, List<String> errors) {
        JsonNode n = doc.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            errors.add(field + ": must be a string");
            return null;
        }
        return n.asText();
    }

    private static int positiveInt(JsonNode parent, String field, String at, int fallback, List<String> errors) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.canConvertToInt() || !n.isIntegralNumber() || n.asInt() < 1) {
            errors.add(at + "." + field + ": must be a whole number of at least 1");
            return fallback;
        }
        return n.asInt();
    }

    private static long positiveLong(JsonNode parent, String field, String at, long fallback, List<String> errors) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isIntegralNumber() || n.asLong() < 1) {
            errors.add(at + "." + field + ": must be a whole number of at least 1");
            return fallback;
        }
        return n.asLong();
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, String value, String at, List<String> errors) {
        try {
            return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            errors.add(at + ": '" + value + "' is not one of " + List.of(type.getEnumConstants()));
            return null;
        }
    }

    private static <E extends Enum<E>> Set<E> enumSet(Class<E> type, JsonNode node, String at, List<String> errors) {
        if (node == null || node.isNull()) {
            return EnumSet.noneOf(type);
        }
        if (!node.isArray()) {
            errors.add(at + ": must be an array of " + List.of(type.getEnumConstants()));
            return null;
        }
        Set<E> out = EnumSet.noneOf(type);
        boolean ok = true;
        for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
            E e = enumValue(type, it.next().asText(), at, errors);
            ok &= e != null;
            if (e != null) {
                out.add(e);
            }
        }
        return ok ? out : null;
    }

    /** Reads a policy document from JSON text. */
    public static Policy parse(String json) {
        try {
            return parse(new ObjectMapper().readTree(json.getBytes(StandardCharsets.UTF_8)));
        } catch (java.io.IOException e) {
            throw new PolicyException(List.of("policy: not valid JSON: " + e.getMessage()));
        }
    }
}
