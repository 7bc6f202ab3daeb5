package dev.arcfleet.executor.intake;

import dev.arcfleet.contracts.AzureTarget;
import dev.arcfleet.contracts.Capability;
import dev.arcfleet.contracts.EventTypes;
import dev.arcfleet.contracts.Ids;
import dev.arcfleet.contracts.OnboardingPlan;
import dev.arcfleet.contracts.Route;
import dev.arcfleet.contracts.TargetKind;
import dev.arcfleet.support.inbox.PoisonRecordException;
import dev.arcfleet.support.log.LogSafe;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * What the executor checks before a plan may reach its worker pool: anyone who can write to a plan topic can forge a
 * plan, so it is checked as strictly as REST checks what a device sends ({@link Ids}). Every id and parameter must
 * have the shape of the value it stands for, the target kind must be the route's, a cluster parameter must be the
 * target itself, and the record's headers are bounded. A plan that fails is a poison record: dead-lettered with every
 * reason at once, never executed. Values in reasons are {@link LogSafe} and clipped.
 */
public final class PlanValidator {
    static final int MAX_HEADERS = 32;
    static final int MAX_HEADER_BYTES = 16 * 1024;
    static final int MAX_NODE_IDS = 1000;
    static final int MAX_PARAMETERS = 32;
    static final Pattern PARAMETER_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9._-]{0,63}");
    /** A parameter this executor does not read: still a short, plain value. */
    static final Pattern OTHER_VALUE = Pattern.compile("[A-Za-z0-9._:/@+-]{0,253}");

    /** An Azure target's parts, which go into ARM resource ids: a subscription GUID, a resource group, a region. */
    static final Pattern SUBSCRIPTION_ID = Pattern.compile("[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}");

    static final Pattern RESOURCE_GROUP = Pattern.compile("[-\\w.()]{0,89}[-\\w()]");
    static final Pattern LOCATION = Pattern.compile("[a-z][a-z0-9]{1,39}");
    static final Pattern TARGET_NAME = Pattern.compile("[A-Za-z0-9][\\w.-]{0,62}");
    /** A credential's name, as {@code executor.azure.credentials.<name>} holds it. */
    static final Pattern CREDENTIAL = Pattern.compile("[a-z0-9]{1,32}");

    static final Pattern POLICY_VERSION = Pattern.compile("[A-Za-z0-9._:+-]{1,64}");
    /** The parameters a route reads, each with the shape it must have. */
    static final Map<String, Pattern> PARAMETERS = Map.of(
            "nodeId", Ids.NODE_ID,
            "clusterId", Ids.CLUSTER_ID,
            "hostNode", Ids.LABEL_VALUE,
            "site", Ids.SITE,
            "distribution", Ids.WORD,
            "infrastructure", Ids.WORD);

    private PlanValidator() {}

    /** Refuses a record whose headers are too many or too large, or whose CloudEvents ids no column would hold. */
    public static void checkHeaders(Headers headers, String topic) {
        List<String> errors = new ArrayList<>();
        int count = 0;
        long bytes = 0;
        for (Header header : headers) {
            count++;
            bytes += header.key().length() + (header.value() == null ? 0 : header.value().length);
        }
        if (count > MAX_HEADERS || bytes > MAX_HEADER_BYTES) {
            errors.add("headers: at most " + MAX_HEADERS + " headers of " + MAX_HEADER_BYTES + " bytes in all, got "
                    + count + " of " + bytes);
        }
        checkHeader(headers, EventTypes.CE_ID, Ids.EVENT_ID, errors);
        checkHeader(headers, EventTypes.CE_CORRELATION_ID, Ids.CORRELATION_ID, errors);
        if (!errors.isEmpty()) {
            throw new PoisonRecordException("plan record on " + topic + " refused: " + String.join("; ", errors));
        }
    }

    private static void checkHeader(Headers headers, String name, Pattern pattern, List<String> errors) {
        Header header = headers.lastHeader(name);
        if (header != null && header.value() != null) {
            String value = new String(header.value(), StandardCharsets.UTF_8);
            if (!pattern.matcher(value).matches()) {
                errors.add(name + " " + shown(value) + " must match " + pattern.pattern());
            }
        }
    }

    /** Refuses a plan the executor must not act on; {@code route} is the route of the topic it arrived on. */
    public static void check(OnboardingPlan plan, Route route, String eventId, String topic) {
        List<String> errors = new ArrayList<>();
        id("planId", plan.planId(), Ids.PLAN_ID, true, errors);
        id("revision", plan.revision(), Ids.PLAN_ID, true, errors);
        id("eventId", plan.eventId(), Ids.EVENT_ID, false, errors);
        id("correlationId", plan.correlationId(), Ids.CORRELATION_ID, false, errors);
        id("supersedes", plan.supersedes(), Ids.PLAN_ID, false, errors);
        id("policyVersion", plan.policyVersion(), POLICY_VERSION, false, errors);
        TargetKind expectedKind = route == Route.COMPANION_VM ? TargetKind.NODE : TargetKind.CLUSTER;
        if (plan.target().kind() != expectedKind) {
            errors.add("target.kind must be " + expectedKind + " on a " + route + " plan, got "
                    + plan.target().kind());
        }
        id(
                "target.id",
                plan.target().id(),
                expectedKind == TargetKind.NODE ? Ids.NODE_ID : Ids.CLUSTER_ID,
                true,
                errors);
        list("nodeIds", plan.nodeIds(), Ids.NODE_ID, MAX_NODE_IDS, errors);
        list("dependsOn", plan.dependsOn(), Ids.PLAN_ID, 16, errors);
        if (plan.capabilities() != null && plan.capabilities().stream().anyMatch(c -> c == null)) {
            errors.add("capabilities must each be one of " + List.of(Capability.values()));
        }
        AzureTarget azure = plan.azureTarget();
        if (azure != null) {
            id("azureTarget.name", azure.name(), TARGET_NAME, false, errors);
            id("azureTarget.subscriptionId", azure.subscriptionId(), SUBSCRIPTION_ID, true, errors);
            id("azureTarget.resourceGroup", azure.resourceGroup(), RESOURCE_GROUP, true, errors);
            id("azureTarget.location", azure.location(), LOCATION, true, errors);
            list("azureTarget.credentials", azure.credentials(), CREDENTIAL, 16, errors);
        }
        Map<String, String> parameters = plan.parameters() == null ? Map.of() : plan.parameters();
        if (parameters.size() > MAX_PARAMETERS) {
            errors.add("parameters: at most " + MAX_PARAMETERS + ", got " + parameters.size());
        } else {
            parameters.forEach((name, value) -> {
                if (name == null || !PARAMETER_NAME.matcher(name).matches()) {
                    errors.add("parameters: name " + shown(name) + " must match " + PARAMETER_NAME.pattern());
                    return;
                }
                id("parameters." + name, value, PARAMETERS.getOrDefault(name, OTHER_VALUE), true, errors);
            });
        }
        String clusterParameter = parameters.get("clusterId");
        if (expectedKind == TargetKind.CLUSTER
                && clusterParameter != null
                && !clusterParameter.equals(plan.target().id())) {
            errors.add("parameters.clusterId " + shown(clusterParameter) + " must be the target cluster "
                    + shown(plan.target().id()) + " on a " + route + " plan");
        }
        String nodeParameter = parameters.get("nodeId");
        if (expectedKind == TargetKind.NODE
                && nodeParameter != null
                && !nodeParameter.equals(plan.target().id())) {
            errors.add("parameters.nodeId " + shown(nodeParameter) + " must be the target node "
                    + shown(plan.target().id()));
        }
        if (!errors.isEmpty()) {
            throw new PoisonRecordException("plan " + shown(plan.planId()) + " (record " + shown(eventId) + " on "
                    + topic + ") refused: " + String.join("; ", errors));
        }
    }

    private static void id(String field, String value, Pattern pattern, boolean required, List<String> errors) {
        if (value == null) {
            if (required) {
                errors.add(field + " is required");
            }
            return;
        }
        if (!pattern.matcher(value).matches()) {
            errors.add(field + " " + shown(value) + " must match " + pattern.pattern());
        }
    }

    private static void list(String field, List<String> values, Pattern pattern, int max, List<String> errors) {
        if (values == null) {
            return;
        }
        if (values.size() > max) {
            errors.add(field + ": at most " + max + ", got " + values.size());
            return;
        }
        for (int i = 0; i < values.size(); i++) {
            id(field + "[" + i + "]", values.get(i), pattern, true, errors);
        }
    }

    /** A value as a reason shows it: quoted, escaped, at most 64 characters and its length. */
    static String shown(String value) {
        if (value == null) {
            return "null";
        }
        String clipped = value.length() > 64 ? value.substring(0, 64) + "... (" + value.length() + " chars)" : value;
        return "'" + LogSafe.of(clipped) + "'";
    }
}
