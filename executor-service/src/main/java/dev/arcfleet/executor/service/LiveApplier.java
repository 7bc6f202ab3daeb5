package dev.arcfleet.executor.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arcfleet.executor.azure.ArmAccepted;
import dev.arcfleet.executor.azure.ArmClient;
import dev.arcfleet.executor.azure.ArmException;
import dev.arcfleet.executor.azure.ArmOperation;
import dev.arcfleet.executor.azure.ArmResource;
import dev.arcfleet.executor.azure.WriteBudget;
import dev.arcfleet.executor.config.ExecutorConfig;
import dev.arcfleet.executor.kube.AgentKeys;
import dev.arcfleet.executor.kube.ClusterClients;
import dev.arcfleet.executor.kube.KubeApplier;
import dev.arcfleet.executor.route.ArmRequest;
import dev.arcfleet.executor.route.KubeObject;
import dev.arcfleet.executor.route.WaitFor;
import dev.arcfleet.executor.route.arck8s.ArcK8sSteps;
import dev.arcfleet.executor.route.companionvm.CompanionVmSteps;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code executor.mode=live}: ensures each ARM resource of a step exists and has provisioned (GET first, so an
 * existing resource is adopted rather than duplicated; PUT within the subscription's write budget; then wait for
 * {@code provisioningState}), applies Kubernetes objects idempotently, and waits for the step's condition. Nothing
 * here sleeps: "not yet" is a {@link StepOutcome#waiting}, and the worker picks the step up again later.
 */
public class LiveApplier implements StepApplier {
    static final Duration PROVISIONING_TIMEOUT = Duration.ofMinutes(30);
    /** Marks a step that holds a reserved write slot for this resource (kept like an operation, across polls). */
    static final String RESERVED = "reserved-write ";

    private final ArmClient arm;
    private final WriteBudget writes;
    private final ClusterClients clusters;
    private final KubeApplier kube = new KubeApplier();
    private final ObjectMapper mapper;
    private final String subscriptionId;
    private final ExecutorConfig config;
    private final Duration poll;

    public LiveApplier(ArmClient arm, WriteBudget writes, ClusterClients clusters, ObjectMapper mapper, ExecutorConfig config) {
        this.arm = arm;
        this.writes = writes;
        this.clusters = clusters;
        this.mapper = mapper;
        this.subscriptionId = config.azure().subscriptionId();
        this.config = config;
        this.poll = config.azure().pollInterval();
    }

    @Override
    public StepOutcome apply(StepContext context) {
        try {
            return applyStep(context);
        } catch (ArmException e) {
            if (e.throttled()) {
                Duration after = e.retryAfter() != null ? e.retryAfter() : Duration.ofSeconds(10);
                writes.backOff(subscriptionId, after);
                return StepOutcome.throttled("ARM throttled (429), Retry-After " + after.toSeconds() + " s", after);
            }
            if (e.transientFailure()) {
                return StepOutcome.retry(e.getMessage(), e.retryAfter() != null ? e.retryAfter() : Duration.ZERO);
            }
            return StepOutcome.failed(e.getMessage());
        } catch (KubernetesClientException e) {
            if (e.getCode() == 0 || e.getCode() == 429 || e.getCode() >= 500) {
                return StepOutcome.retry("Kubernetes API: " + e.getMessage(), Duration.ZERO);
            }
            return StepOutcome.failed("Kubernetes API refused " + context.step().name() + ": " + e.getMessage());
        }
    }

    private StepOutcome applyStep(StepContext context) {
        List<Map<String, Object>> record = new ArrayList<>();
        Duration elapsed = Duration.between(context.stepStartedAt() == null ? Instant.now() : context.stepStartedAt(),
                Instant.now());
        for (ArmRequest request : context.step().arm()) {
            String operation = context.operation();
            if (operation != null && operation.startsWith(request.resourceId() + " ")) {
                ArmOperation status = arm.operation(operation.substring(request.resourceId().length() + 1));
                if (!status.finished()) {
                    return StepOutcome.waitingOn(operation, request.resourceId() + ": operation " + status.status(), poll);
                }
                if (status.failed()) {
                    return StepOutcome.failed(request.resourceId() + " provisioning ended " + status.status()
                            + (status.error() == null ? "" : " (" + status.error() + ")")
                            + "; see the resource's activity log in Azure, then retry the execution");
                }
            }
            Optional<ArmResource> current = arm.get(request.resourceId(), request.apiVersion());
            String state = current.map(ArmResource::provisioningState).orElse(null);
            if (current.isPresent() && (state == null || "Succeeded".equalsIgnoreCase(state))) {
                record.add(Map.of("arm", request.resourceId(), "result",
                        operation != null && !operation.startsWith(RESERVED) ? "created" : "present"));
                continue;
            }
            if (current.isPresent() && ("Failed".equalsIgnoreCase(state) || "Canceled".equalsIgnoreCase(state))) {
                return StepOutcome.failed(request.resourceId() + " provisioning ended " + state
                        + "; see the resource's activity log in Azure, then retry the execution");
            }
            if (current.isPresent()) {
                if (elapsed.compareTo(PROVISIONING_TIMEOUT) > 0) {
                    return StepOutcome.failed(request.resourceId() + " still " + state + " after " + elapsed.toMinutes() + " min");
                }
                return StepOutcome.waitingOn(operation, request.resourceId() + " is " + state, poll);
            }
            String reservation = RESERVED + request.resourceId();
            if (!reservation.equals(operation)) {
                Duration wait = writes.reserve(subscriptionId);
                if (!wait.isZero()) {
                    return StepOutcome.waitingOn(reservation, "write slot reserved in " + wait.toMillis()
                            + " ms (the subscription's ARM write budget)", wait);
                }
            }
            ArmAccepted accepted = arm.put(request.resourceId(), request.apiVersion(), resolveArmBody(context, request.body()));
            if (accepted.done()) {
                record.add(Map.of("arm", request.resourceId(), "result", "created"));
                continue;
            }
            return StepOutcome.waitingOn(accepted.operationUrl() == null ? null : request.resourceId() + " " + accepted.operationUrl(),
                    "PUT " + request.resourceId() + " answered " + accepted.status() + "; provisioning", poll);
        }
        KubernetesClient client = context.step().kube().isEmpty() && context.step().waitFor() == null ? null
                : clusters.forCluster(context.clusterId());
        for (KubeObject object : context.step().kube()) {
            if (object.secret() && ArcK8sSteps.AGENT_KEY_SECRET.equals(object.name())
                    && kube.get(client, object.apiVersion(), object.kind(), object.namespace(), object.name()) != null) {
                record.add(Map.of("kubernetes", object.kind() + "/" + object.name(), "result", "UNCHANGED (key kept)"));
                continue;
            }
            Map<String, Object> manifest = object.secret() ? resolveSecret(object) : object.manifest();
            KubeApplier.Result result = ArcK8sSteps.AGENT_KEY_SECRET.equals(object.name())
                    ? kube.createOnly(client, object, manifest) : kube.apply(client, object, manifest);
            record.add(Map.of("kubernetes", object.kind() + "/" + object.name(), "result", result.name()));
        }
        WaitFor waitFor = context.step().waitFor();
        if (waitFor != null) {
            Object value = waitFor.kubernetes() ? kubeProperty(client, waitFor) : armProperty(waitFor);
            if (value == null || !waitFor.expectedValue().equalsIgnoreCase(String.valueOf(value))) {
                if (elapsed.compareTo(waitFor.timeout()) > 0) {
                    return StepOutcome.failed(waitFor.resource() + " " + waitFor.propertyPath() + " is " + value + ", not "
                            + waitFor.expectedValue() + ", after " + elapsed.toSeconds() + " s");
                }
                return StepOutcome.waiting(waitFor.propertyPath() + " is " + value + ", waiting for "
                        + waitFor.expectedValue(), poll);
            }
            record.add(Map.of("waitFor", waitFor.propertyPath(), "result", String.valueOf(value)));
        }
        return StepOutcome.succeeded(summary(record), json(Map.of("mode", "live", "actions", record)));
    }

    private Object armProperty(WaitFor waitFor) {
        return arm.get(waitFor.resource(), waitFor.apiVersion()).map(r -> r.property(waitFor.propertyPath())).orElse(null);
    }

    private Object kubeProperty(KubernetesClient client, WaitFor waitFor) {
        String[] ref = waitFor.resource().split("/");
        int n = ref.length;
        GenericKubernetesResource resource = kube.get(client, waitFor.apiVersion(), ref[n - 2], ref[n - 3], ref[n - 1]);
        if (resource == null) {
            return null;
        }
        Object current = resource.getAdditionalProperties();
        for (String part : waitFor.propertyPath().split("\\.")) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(part);
        }
        return current;
    }

    private Map<String, Object> resolveArmBody(StepContext context, Map<String, Object> body) {
        if (body == null || !json(body).contains(ArcK8sSteps.AGENT_PUBLIC_KEY)) {
            return body;
        }
        String publicKey = readAgentPublicKey(clusters.forCluster(context.clusterId()));
        return substitute(body, Map.of(ArcK8sSteps.AGENT_PUBLIC_KEY, () -> publicKey));
    }

    private Map<String, Object> resolveSecret(KubeObject object) {
        Map<String, Supplier<String>> values = new LinkedHashMap<>();
        if (ArcK8sSteps.AGENT_KEY_SECRET.equals(object.name())) {
            AgentKeys.Encoded keys = AgentKeys.generate();
            values.put(ArcK8sSteps.AGENT_PUBLIC_KEY, keys::publicKeyBase64);
            values.put(ArcK8sSteps.AGENT_PRIVATE_KEY, keys::privateKeyPem);
        }
        values.put(CompanionVmSteps.SP_CLIENT_ID, () -> principal("clientId"));
        values.put(CompanionVmSteps.SP_CLIENT_SECRET, () -> principal("clientSecret"));
        values.put(CompanionVmSteps.SP_TENANT_ID, () -> principal("tenantId"));
        return substitute(object.manifest(), values);
    }

    private String readAgentPublicKey(KubernetesClient client) {
        GenericKubernetesResource secret = kube.get(client, "v1", "Secret", ArcK8sSteps.ARC_NAMESPACE,
                ArcK8sSteps.AGENT_KEY_SECRET);
        if (secret == null) {
            throw new ArmException(0, "AgentKeyMissing", "the agent key Secret " + ArcK8sSteps.ARC_NAMESPACE + "/"
                    + ArcK8sSteps.AGENT_KEY_SECRET + " is not in the cluster yet", null, null);
        }
        Object data = secret.getAdditionalProperties().get("data");
        if (data instanceof Map<?, ?> map && map.get("publicKey") != null) {
            return new String(Base64.getDecoder().decode(map.get("publicKey").toString()), StandardCharsets.UTF_8);
        }
        Object stringData = secret.getAdditionalProperties().get("stringData");
        if (stringData instanceof Map<?, ?> map && map.get("publicKey") != null) {
            return map.get("publicKey").toString();
        }
        throw new IllegalStateException("the agent key Secret has no publicKey");
    }

    private String principal(String field) {
        var file = config.onboardingPrincipalFile().orElseThrow(() -> new IllegalStateException(
                "executor.onboarding-principal-file is not set: companion VMs need a service principal to connect with"));
        try {
            JsonNode node = mapper.readTree(file.toFile()).get(field);
            if (node == null || node.asText().isBlank()) {
                throw new IllegalStateException("onboarding principal file " + file + " lacks " + field);
            }
            return node.asText();
        } catch (IOException e) {
            throw new IllegalStateException("onboarding principal file " + file + " is not readable JSON", e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> substitute(Map<String, Object> map, Map<String, Supplier<String>> values) {
        Map<String, Object> copy = new LinkedHashMap<>();
        map.forEach((k, v) -> copy.put(k, substituteValue(v, values)));
        return copy;
    }

    @SuppressWarnings("unchecked")
    private static Object substituteValue(Object v, Map<String, Supplier<String>> values) {
        if (v instanceof Map<?, ?> m) {
            return substitute((Map<String, Object>) m, values);
        }
        if (v instanceof List<?> list) {
            return list.stream().map(x -> substituteValue(x, values)).toList();
        }
        if (v instanceof String s && values.containsKey(s)) {
            return values.get(s).get();
        }
        return v;
    }

    private static String summary(List<Map<String, Object>> record) {
        return record.isEmpty() ? "done" : record.stream().map(r -> r.values().toString()).reduce((a, b) -> a + "; " + b)
                .orElse("done");
    }

    private String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("step record cannot be written", e);
        }
    }
}
