package dev.arcfleet.executor.apply;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arcfleet.executor.config.ExecutorMode;
import dev.arcfleet.executor.engine.StepOutcome;
import dev.arcfleet.executor.route.ArcConnection;
import dev.arcfleet.executor.route.KubeAction;
import dev.arcfleet.executor.route.KubeObject;
import dev.arcfleet.executor.route.StepSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code executor.mode=dry-run}: records the exact ARM requests (method, resource id, api-version, body) and
 * Kubernetes objects a step would apply (with what it would do to each where that is not a plain apply: create only,
 * replace, delete), with Secret data redacted, and the guard that would skip or refuse the step, and succeeds. An ARM
 * DELETE is recorded as live sends it (method, resource id, api-version); live sends it only while the resource is
 * there.
 * A rehearsal ({@code executor.dry-run.fail-targets}) fails the first step of a plan whose target id matches, with
 * its reason, so an operator can watch a rollout suspend before touching Azure.
 */
public class DryRunApplier implements StepApplier {
    static final String REDACTED = "<redacted>";

    static final String REHEARSAL = "dry-run rehearsal: ";

    private final ObjectMapper mapper;
    private final Pattern failTargets;
    private final String failReason;

    public DryRunApplier(ObjectMapper mapper) {
        this(mapper, null, null);
    }

    /** {@code failTargets}: matched against a plan's whole target id (null: none fails); {@code failReason}: why. */
    public DryRunApplier(ObjectMapper mapper, Pattern failTargets, String failReason) {
        this.mapper = mapper;
        this.failTargets = failTargets;
        this.failReason = failReason;
    }

    @Override
    public StepOutcome apply(StepContext context) {
        StepSpec step = context.step();
        if (step.refusal() != null) {
            return StepOutcome.failed(step.refusal());
        }
        if (failTargets != null
                && context.plan().target() != null
                && failTargets.matcher(context.plan().target().id()).matches()) {
            return StepOutcome.failed(REHEARSAL + failReason + " (target "
                    + context.plan().target().id() + " matches executor.dry-run.fail-targets)");
        }
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("mode", ExecutorMode.DRY_RUN.value());
        record.put("arm", step.arm());
        record.put(
                "kubernetes", step.kube().stream().map(DryRunApplier::redacted).toList());
        if (step.kube().stream().anyMatch(k -> k.action() != KubeAction.APPLY)) {
            record.put(
                    "kubernetesActions",
                    step.kube().stream().map(k -> k.action().name()).toList());
        }
        if (step.guard() != null && step.guardMode() == StepSpec.GuardMode.IF_CONNECTED_HERE) {
            record.put(
                    "ifConnectedHere",
                    Map.of(
                            "configMap",
                            ArcConnection.NAMESPACE + "/" + ArcConnection.CONFIG_MAP,
                            "resourceId",
                            step.guard().resourceId(),
                            "rule",
                            "runs where the cluster's agents belong to this resource; skipped where it has none;"
                                    + " fails where they belong to another"));
        } else if (step.guard() != null) {
            record.put(
                    "unlessConnected",
                    Map.of(
                            "configMap",
                            ArcConnection.NAMESPACE + "/" + ArcConnection.CONFIG_MAP,
                            "resourceId",
                            step.guard().resourceId(),
                            "rule",
                            "skipped where the cluster's agents belong to this resource; fails where they belong to another"));
        }
        if (step.waitFor() != null) {
            record.put("waitFor", step.waitFor());
        }
        int actions = step.arm().size() + step.kube().size() + (step.waitFor() == null ? 0 : 1);
        try {
            return StepOutcome.succeeded(
                    "dry-run: " + actions + " action(s) recorded", mapper.writeValueAsString(record));
        } catch (JsonProcessingException e) {
            return StepOutcome.failed(
                    "dry-run record of step " + step.name() + " cannot be written: " + e.getOriginalMessage());
        }
    }

    static Map<String, Object> redacted(KubeObject object) {
        Map<String, Object> manifest = new LinkedHashMap<>(object.manifest());
        if (object.secret()) {
            for (String field : List.of("data", "stringData")) {
                Object value = manifest.get(field);
                if (value instanceof Map<?, ?> map) {
                    Map<String, Object> masked = new LinkedHashMap<>();
                    map.keySet().forEach(k -> masked.put(String.valueOf(k), REDACTED));
                    manifest.put(field, masked);
                }
            }
        }
        return manifest;
    }
}
