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
    private static final ObjectMapper CANONICAL =
            new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private PolicyDocument() {}

    public static Policy parse(JsonNode doc) {
        List<String> errors = new ArrayList<>();
        if (doc == null || !doc.isObject()) {
            throw new PolicyException(List.of("policy: must be a JSON object"));
        }
        Policy seed = Policy.defaults("seed");
        Set<String> known = Set.of(
                "version",
                "description",
                "deviceClassDefaults",
                "companionVm",
                "iotOperations",
                "routeRules",
                "approval",
                "rollouts",
                "azureTargets");
        doc.fieldNames().forEachRemaining(n -> {
            if (!known.contains(n)) {
                errors.add(
                        n + ": unknown field (known: " + known.stream().sorted().toList() + ")");
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
                    DeviceClass dc =
                            enumValue(DeviceClass.class, e.getKey(), "deviceClassDefaults." + e.getKey(), errors);
                    Set<Capability> caps =
                            enumSet(Capability.class, e.getValue(), "deviceClassDefaults." + e.getKey(), errors);
                    if (dc != null && caps != null) {
                        defaults.put(dc, caps);
                    }
                });
            }
        }

        Policy.HostSize vm = seed.companionVm();
        JsonNode vmNode = doc.get("companionVm");
        if (vmNode != null && !vmNode.isNull()) {
            vm = new Policy.HostSize(
                    positiveInt(vmNode, "minCpuCores", "companionVm", vm.minCpuCores(), errors),
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
            iot = new Policy.IotOperations(
                    archs,
                    positiveInt(iotNode, "minCpuCores", "iotOperations", iot.minCpuCores(), errors),
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
                            l.fields()
                                    .forEachRemaining(e ->
                                            labels.put(e.getKey(), e.getValue().asText()));
                        }
                    }
                    Set<Route> allow = enumSet(Route.class, r.get("allow"), at + ".allow", errors);
                    Set<Route> deny = enumSet(Route.class, r.get("deny"), at + ".deny", errors);
                    if (allow != null && allow.contains(Route.BLOCKED)
                            || deny != null && deny.contains(Route.BLOCKED)) {
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
        List<Policy.ApprovalRule> approvals = approvalRules(doc.get("approval"), errors);
        Policy.RolloutDefault rolloutDefault = rolloutDefault(doc.get("rollouts"), errors);
        List<Policy.TargetRule> targets = targetRules(doc.get("azureTargets"), errors);
        if (!errors.isEmpty()) {
            throw new PolicyException(errors);
        }
        return new Policy(
                declared + "+" + contentHash(doc), defaults, vm, iot, rules, approvals, rolloutDefault, targets);
    }

    /**
     * The {@code rollouts} section: {@code {"default": "release" | "hold"}}, what becomes of an approved plan no running
     * rollout selects. Absent: {@code release}.
     */
    private static Policy.RolloutDefault rolloutDefault(JsonNode section, List<String> errors) {
        if (section == null || section.isNull()) {
            return Policy.RolloutDefault.RELEASE;
        }
        if (!section.isObject()) {
            errors.add("rollouts: must be an object such as {\"default\": \"hold\"}");
            return Policy.RolloutDefault.RELEASE;
        }
        section.fieldNames().forEachRemaining(n -> {
            if (!n.equals("default")) {
                errors.add("rollouts." + n + ": unknown field (known: [default])");
            }
        });
        JsonNode d = section.get("default");
        if (d == null || d.isNull()) {
            return Policy.RolloutDefault.RELEASE;
        }
        List<String> allowed = List.of("release", "hold");
        if (!d.isTextual() || !allowed.contains(d.asText().trim().toLowerCase(Locale.ROOT))) {
            errors.add("rollouts.default: must be one of " + allowed);
            return Policy.RolloutDefault.RELEASE;
        }
        return Policy.RolloutDefault.valueOf(d.asText().trim().toUpperCase(Locale.ROOT));
    }

    /** Executable routes: the plans an approval rule can match. */
    static final Set<Route> EXECUTABLE = EnumSet.of(Route.ARC_K8S, Route.COMPANION_VM, Route.IOT_OPERATIONS);

    /**
     * The {@code approval} section: {@code {"rules": [{"name", "match": {"site", "labels", "route", "osFamily",
     * "deviceClass"}, "approve": "AUTO"|"MANUAL"}]}}. Absent: every plan is approved automatically; present, a plan no
     * rule matches awaits an operator.
     */
    private static List<Policy.ApprovalRule> approvalRules(JsonNode section, List<String> errors) {
        if (section == null || section.isNull()) {
            return List.of(Policy.AUTO_APPROVE_ALL);
        }
        if (!section.isObject()) {
            errors.add("approval: must be an object with a rules array");
            return List.of();
        }
        section.fieldNames().forEachRemaining(n -> {
            if (!n.equals("rules")) {
                errors.add("approval." + n + ": unknown field (known: [rules])");
            }
        });
        JsonNode rules = section.get("rules");
        List<Policy.ApprovalRule> result = new ArrayList<>();
        if (rules == null || rules.isNull()) {
            return result;
        }
        if (!rules.isArray()) {
            errors.add("approval.rules: must be an array");
            return result;
        }
        Set<String> names = new LinkedHashSet<>();
        Set<String> ruleFields = Set.of("name", "match", "approve");
        Set<String> matchFields = Set.of("site", "labels", "route", "osFamily", "deviceClass");
        for (int i = 0; i < rules.size(); i++) {
            JsonNode r = rules.get(i);
            String at = "approval.rules[" + i + "]";
            if (!r.isObject()) {
                errors.add(at + ": must be an object");
                continue;
            }
            r.fieldNames().forEachRemaining(n -> {
                if (!ruleFields.contains(n)) {
                    errors.add(at + "." + n + ": unknown field (known: "
                            + ruleFields.stream().sorted().toList() + ")");
                }
            });
            JsonNode nameNode = r.get("name");
            String name =
                    nameNode != null && nameNode.isTextual() ? nameNode.asText().trim() : null;
            if (name == null
                    || name.isEmpty()
                    || name.length() > 100
                    || name.chars().anyMatch(Character::isISOControl)) {
                errors.add(
                        at + ".name: required, 1 to 100 characters without control characters (approvals record it)");
            } else if (!names.add(name)) {
                errors.add(at + ".name: '" + name + "' names another rule too");
            }
            JsonNode approveNode = r.get("approve");
            Policy.Approve approve = null;
            if (approveNode == null || !approveNode.isTextual()) {
                errors.add(at + ".approve: required, one of " + List.of(Policy.Approve.values()));
            } else {
                approve = enumValue(Policy.Approve.class, approveNode.asText(), at + ".approve", errors);
            }
            JsonNode m = r.get("match");
            String site = null;
            String osFamily = null;
            Route route = null;
            DeviceClass deviceClass = null;
            Map<String, String> labels = new LinkedHashMap<>();
            if (m != null && !m.isNull()) {
                if (!m.isObject()) {
                    errors.add(at + ".match: must be an object of "
                            + matchFields.stream().sorted().toList());
                } else {
                    m.fieldNames().forEachRemaining(n -> {
                        if (!matchFields.contains(n)) {
                            errors.add(at + ".match." + n + ": unknown field (known: "
                                    + matchFields.stream().sorted().toList() + ")");
                        }
                    });
                    site = matchText(m, "site", at, errors);
                    osFamily = matchText(m, "osFamily", at, errors);
                    String routeText = matchText(m, "route", at, errors);
                    if (routeText != null) {
                        route = enumValue(Route.class, routeText, at + ".match.route", errors);
                        if (route != null && !EXECUTABLE.contains(route)) {
                            errors.add(at + ".match.route: only executable plans await approval: one of " + EXECUTABLE);
                            route = null;
                        }
                    }
                    String dc = matchText(m, "deviceClass", at, errors);
                    if (dc != null) {
                        deviceClass = enumValue(DeviceClass.class, dc, at + ".match.deviceClass", errors);
                    }
                    JsonNode l = m.get("labels");
                    if (l != null && !l.isNull()) {
                        if (!l.isObject()) {
                            errors.add(at + ".match.labels: must be an object of label to value");
                        } else {
                            l.fields()
                                    .forEachRemaining(e ->
                                            labels.put(e.getKey(), e.getValue().asText()));
                        }
                    }
                }
            }
            result.add(new Policy.ApprovalRule(name, site, labels, route, osFamily, deviceClass, approve));
        }
        return result;
    }

    private static final java.util.regex.Pattern GUID =
            java.util.regex.Pattern.compile("[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}");
    private static final java.util.regex.Pattern RESOURCE_GROUP =
            java.util.regex.Pattern.compile("[-\\w.()]{0,89}[-\\w()]", java.util.regex.Pattern.UNICODE_CHARACTER_CLASS);
    private static final java.util.regex.Pattern LOCATION = java.util.regex.Pattern.compile("[a-z][a-z0-9]{1,39}");
    /** A credential's name: what {@code executor.azure.credentials.<name>} is configured under. */
    static final java.util.regex.Pattern CREDENTIAL = java.util.regex.Pattern.compile("[a-z0-9]{1,32}");

    private static final java.util.regex.Pattern TARGET_NAME =
            java.util.regex.Pattern.compile("[A-Za-z0-9][\\w.-]{0,62}");

    /**
     * The {@code azureTargets} section: {@code {"targets": {"<name>": {"subscriptionId", "resourceGroup", "location",
     * "credentials": [names] | "credential": name}}, "rules": [{"name", "match": {"site", "labels", "clusterId"},
     * "target": "<name>"}]}}. Absent: every plan goes to the executor's default target.
     */
    private static List<Policy.TargetRule> targetRules(JsonNode section, List<String> errors) {
        List<Policy.TargetRule> result = new ArrayList<>();
        if (section == null || section.isNull()) {
            return result;
        }
        if (!section.isObject()) {
            errors.add("azureTargets: must be an object with targets and rules");
            return result;
        }
        section.fieldNames().forEachRemaining(n -> {
            if (!n.equals("targets") && !n.equals("rules")) {
                errors.add("azureTargets." + n + ": unknown field (known: [rules, targets])");
            }
        });
        Map<String, dev.arcfleet.contracts.AzureTarget> targets = new LinkedHashMap<>();
        Set<String> named = new LinkedHashSet<>();
        JsonNode t = section.get("targets");
        if (t != null && !t.isNull()) {
            if (!t.isObject()) {
                errors.add("azureTargets.targets: must be an object of target name to target");
            } else {
                t.fields().forEachRemaining(e -> {
                    named.add(e.getKey());
                    dev.arcfleet.contracts.AzureTarget target =
                            azureTarget(e.getKey(), e.getValue(), "azureTargets.targets." + e.getKey(), errors);
                    if (target != null) {
                        targets.put(e.getKey(), target);
                    }
                });
            }
        }
        JsonNode rules = section.get("rules");
        if (rules == null || rules.isNull()) {
            return result;
        }
        if (!rules.isArray()) {
            errors.add("azureTargets.rules: must be an array");
            return result;
        }
        Set<String> names = new LinkedHashSet<>();
        Set<String> ruleFields = Set.of("name", "match", "target");
        Set<String> matchFields = Set.of("site", "labels", "clusterId");
        for (int i = 0; i < rules.size(); i++) {
            JsonNode r = rules.get(i);
            String at = "azureTargets.rules[" + i + "]";
            if (!r.isObject()) {
                errors.add(at + ": must be an object");
                continue;
            }
            r.fieldNames().forEachRemaining(n -> {
                if (!ruleFields.contains(n)) {
                    errors.add(at + "." + n + ": unknown field (known: "
                            + ruleFields.stream().sorted().toList() + ")");
                }
            });
            JsonNode nameNode = r.get("name");
            String name =
                    nameNode != null && nameNode.isTextual() ? nameNode.asText().trim() : null;
            if (name == null
                    || name.isEmpty()
                    || name.length() > 100
                    || name.chars().anyMatch(Character::isISOControl)) {
                errors.add(at + ".name: required, 1 to 100 characters without control characters");
            } else if (!names.add(name)) {
                errors.add(at + ".name: '" + name + "' names another rule too");
            }
            JsonNode targetNode = r.get("target");
            dev.arcfleet.contracts.AzureTarget target = null;
            if (targetNode == null || !targetNode.isTextual() || !named.contains(targetNode.asText())) {
                errors.add(at + ".target: required, the name of one of azureTargets.targets " + named);
            } else {
                target = targets.get(targetNode.asText());
            }
            JsonNode m = r.get("match");
            String site = null;
            String clusterId = null;
            Map<String, String> labels = new LinkedHashMap<>();
            if (m != null && !m.isNull()) {
                if (!m.isObject()) {
                    errors.add(at + ".match: must be an object of "
                            + matchFields.stream().sorted().toList());
                } else {
                    m.fieldNames().forEachRemaining(n -> {
                        if (!matchFields.contains(n)) {
                            errors.add(at + ".match." + n + ": unknown field (known: "
                                    + matchFields.stream().sorted().toList() + ")");
                        }
                    });
                    site = matchText(m, "site", at, errors);
                    clusterId = matchText(m, "clusterId", at, errors);
                    JsonNode l = m.get("labels");
                    if (l != null && !l.isNull()) {
                        if (!l.isObject()) {
                            errors.add(at + ".match.labels: must be an object of label to value");
                        } else {
                            l.fields()
                                    .forEachRemaining(e ->
                                            labels.put(e.getKey(), e.getValue().asText()));
                        }
                    }
                }
            }
            if (target != null) {
                result.add(new Policy.TargetRule(name, site, labels, clusterId, target));
            }
        }
        return result;
    }

    /** One named target of {@code azureTargets.targets}; null when it has errors (each reported). */
    private static dev.arcfleet.contracts.AzureTarget azureTarget(
            String name, JsonNode node, String at, List<String> errors) {
        int before = errors.size();
        if (!TARGET_NAME.matcher(name).matches()) {
            errors.add(at
                    + ": a target name is 1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        if (!node.isObject()) {
            errors.add(at + ": must be an object with subscriptionId, resourceGroup, location and credentials");
            return null;
        }
        Set<String> fields = Set.of("subscriptionId", "resourceGroup", "location", "credential", "credentials");
        node.fieldNames().forEachRemaining(n -> {
            if (!fields.contains(n)) {
                errors.add(at + "." + n + ": unknown field (known: "
                        + fields.stream().sorted().toList() + ")");
            }
        });
        String subscription = required(node, "subscriptionId", at, GUID, "a subscription id (a GUID)", errors);
        String group = required(
                node,
                "resourceGroup",
                at,
                RESOURCE_GROUP,
                "1 to 90 letters, digits, '_', '-', '.', '(' or ')', not ending in '.'",
                errors);
        String location = required(
                node, "location", at, LOCATION, "an Azure region name in lower case, such as westeurope", errors);
        List<String> credentials = new ArrayList<>();
        JsonNode one = node.get("credential");
        JsonNode many = node.get("credentials");
        String credentialRule =
                "lower-case letters and digits, 1 to 32 (the executor's executor.azure.credentials.<name>)";
        if (one != null && many != null) {
            errors.add(at + ": give credential or credentials, not both");
        } else if (one != null) {
            if (!one.isTextual() || !CREDENTIAL.matcher(one.asText()).matches()) {
                errors.add(at + ".credential: a credential name: " + credentialRule);
            } else {
                credentials.add(one.asText());
            }
        } else if (many != null) {
            if (!many.isArray() || many.isEmpty()) {
                errors.add(at + ".credentials: must be a non-empty array of credential names");
            } else {
                Set<String> distinct = new LinkedHashSet<>();
                boolean ok = true;
                for (JsonNode c : many) {
                    ok &= c.isTextual() && CREDENTIAL.matcher(c.asText()).matches() && distinct.add(c.asText());
                }
                if (!ok) {
                    errors.add(at + ".credentials: distinct credential names, each " + credentialRule);
                } else {
                    credentials.addAll(distinct);
                }
            }
        }
        if (errors.size() > before) {
            return null;
        }
        return new dev.arcfleet.contracts.AzureTarget(
                name, subscription.toLowerCase(Locale.ROOT), group, location, credentials);
    }

    private static String required(
            JsonNode node,
            String field,
            String at,
            java.util.regex.Pattern shape,
            String expected,
            List<String> errors) {
        JsonNode n = node.get(field);
        if (n == null || !n.isTextual() || !shape.matcher(n.asText()).matches()) {
            errors.add(at + "." + field + ": required, " + expected);
            return null;
        }
        return n.asText();
    }

    private static String matchText(JsonNode match, String field, String at, List<String> errors) {
        JsonNode n = match.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual() || n.asText().isBlank()) {
            errors.add(at + ".match." + field + ": must be a non-blank string");
            return null;
        }
        return n.asText();
    }

    static String contentHash(JsonNode doc) {
        ObjectNode copy = doc.deepCopy();
        copy.remove("version");
        copy.remove("description");
        try {
            Object canonical = CANONICAL.treeToValue(copy, Object.class);
            byte[] bytes = CANONICAL.writeValueAsBytes(canonical);
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(bytes))
                    .substring(0, 8);
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
