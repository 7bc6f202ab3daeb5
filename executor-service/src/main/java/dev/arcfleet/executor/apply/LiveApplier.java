package dev.arcfleet.executor.apply;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arcfleet.contracts.AzureTarget;
import dev.arcfleet.contracts.OnboardingPlan;
import dev.arcfleet.contracts.Route;
import dev.arcfleet.executor.azure.ArmAccepted;
import dev.arcfleet.executor.azure.ArmBudget;
import dev.arcfleet.executor.azure.ArmClient;
import dev.arcfleet.executor.azure.ArmDesired;
import dev.arcfleet.executor.azure.ArmException;
import dev.arcfleet.executor.azure.ArmOperation;
import dev.arcfleet.executor.azure.ArmResource;
import dev.arcfleet.executor.azure.AzureClients;
import dev.arcfleet.executor.azure.BudgetedArmClient;
import dev.arcfleet.executor.config.ExecutorConfig;
import dev.arcfleet.executor.config.ExecutorMode;
import dev.arcfleet.executor.engine.StepOutcome;
import dev.arcfleet.executor.kube.ClusterClients;
import dev.arcfleet.executor.kube.KubeApplier;
import dev.arcfleet.executor.route.ArcConnection;
import dev.arcfleet.executor.route.ArmRequest;
import dev.arcfleet.executor.route.KubeAction;
import dev.arcfleet.executor.route.KubeObject;
import dev.arcfleet.executor.route.PlaceholderNotReady;
import dev.arcfleet.executor.route.Placeholders;
import dev.arcfleet.executor.route.RoutePlaceholders;
import dev.arcfleet.executor.route.StepSpec;
import dev.arcfleet.executor.route.StepValues;
import dev.arcfleet.executor.route.WaitFor;
import dev.arcfleet.support.kube.ClusterAccessException;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code executor.mode=live}: ensures each ARM resource of a step exists and has provisioned (GET first, so an
 * existing resource is adopted rather than duplicated; PUT within the shared ARM write budget; then wait for
 * {@code provisioningState}; every read within the read budget, {@link BudgetedArmClient}), applies Kubernetes objects idempotently, and waits for the step's condition. Nothing
 * here sleeps: "not yet" is a {@link StepOutcome#waiting}, and the worker picks the step up again later.
 */
public class LiveApplier implements StepApplier {
    static final Duration PROVISIONING_TIMEOUT = Duration.ofMinutes(30);
    /** Marks a step that holds a reserved write slot for this resource (kept like an operation, across polls). */
    static final String RESERVED = "reserved-write ";
    /**
     * How old a GET's answer that found a resource provisioned may be for a step to adopt the resource without reading
     * it: a resource deleted since is written again by the next plan after this long, and a step that depends on it
     * fails as it would had the deletion come right after a fresh read.
     */
    static final Duration RECENTLY_SEEN = Duration.ofSeconds(10);
    /** The longest a {@code Retry-After} of a long-running operation defers its next poll. */
    static final Duration MAX_POLL_DELAY = Duration.ofMinutes(5);
    /** What a wait sees when the resource it watches is not there at all. */
    private static final Object ABSENT = new Object();
    /** Marks a remembered operation URL as that of an update of an existing resource (recorded as "updated"). */
    static final String UPDATE = "~";

    /** The ARM client of a plan, spending its subscription's and principal's budget. */
    private final Function<OnboardingPlan, BudgetedArmClient> arms;

    private final ClusterClients clusters;
    private final KubeApplier kube = new KubeApplier();
    private final ObjectMapper mapper;
    private final ExecutorConfig config;
    private final Duration poll;
    private final Duration pollMax;
    private final Function<Route, RoutePlaceholders> placeholders;

    /**
     * Every plan through one ARM client.
     *
     * @param budget       the ARM budget of the subscription and principal {@code arm} acts as, shared by every replica
     * @param placeholders each route's own placeholders
     */
    public LiveApplier(
            ArmClient arm,
            ArmBudget.Account budget,
            ClusterClients clusters,
            ObjectMapper mapper,
            ExecutorConfig config,
            Function<Route, RoutePlaceholders> placeholders) {
        this(fixed(new BudgetedArmClient(arm, budget)), clusters, mapper, config, placeholders);
    }

    /**
     * Each plan through the ARM client of its Azure target and credential ({@code ArmAccounts#forPlan}), which may
     * throw {@link AzureClients.CredentialProblem}: the plan then fails with that reason.
     */
    public LiveApplier(
            Function<OnboardingPlan, BudgetedArmClient> arms,
            ClusterClients clusters,
            ObjectMapper mapper,
            ExecutorConfig config,
            Function<Route, RoutePlaceholders> placeholders) {
        this.placeholders = placeholders;
        this.arms = arms;
        this.clusters = clusters;
        this.mapper = mapper;
        this.config = config;
        this.poll = config.azure().pollInterval();
        this.pollMax = config.azure().pollIntervalMax();
    }

    private static Function<OnboardingPlan, BudgetedArmClient> fixed(BudgetedArmClient arm) {
        return plan -> arm;
    }

    @Override
    public StepOutcome apply(StepContext context) {
        BudgetedArmClient arm;
        try {
            // reads this attempt cannot make now are queued for the next attempt of the same step
            arm = arms.apply(context.plan())
                    .forAttempt(context.plan().planId() + "/" + context.plan().revision() + "/"
                            + context.step().name());
        } catch (AzureClients.CredentialProblem e) {
            AzureTarget target = context.plan().azureTarget();
            return StepOutcome.failed("Azure target " + (target == null ? "(default)" : "'" + target.name() + "'")
                    + ": " + e.getMessage());
        }
        try {
            return applyStep(arm, context);
        } catch (BudgetedArmClient.Wait e) {
            return StepOutcome.waitingOn(context.operation(), e.getMessage(), e.after());
        } catch (ArmException e) {
            if (e.throttled()) {
                // the budget of the call's kind is already held for every replica (BudgetedArmClient)
                Duration after = e.retryAfter() != null ? e.retryAfter() : BudgetedArmClient.DEFAULT_RETRY_AFTER;
                return StepOutcome.throttled("ARM throttled (429), Retry-After " + after.toSeconds() + " s", after);
            }
            if (e.transientFailure()) {
                return StepOutcome.retry(e.getMessage(), e.retryAfter() != null ? e.retryAfter() : Duration.ZERO);
            }
            return StepOutcome.failed(e.getMessage());
        } catch (PlaceholderNotReady e) {
            return StepOutcome.retry(e.getMessage(), Duration.ZERO);
        } catch (ClusterAccessException e) {
            return StepOutcome.failed(e.getMessage());
        } catch (KubernetesClientException e) {
            // 409: created or changed by someone else between our read and our write; the next attempt reads again
            if (e.getCode() == 0 || e.getCode() == 409 || e.getCode() == 429 || e.getCode() >= 500) {
                return StepOutcome.retry("Kubernetes API: " + e.getMessage(), Duration.ZERO);
            }
            return StepOutcome.failed("Kubernetes API refused " + context.step().name() + ": " + e.getMessage());
        }
    }

    private StepOutcome applyStep(BudgetedArmClient arm, StepContext context) {
        List<Map<String, Object>> record = new ArrayList<>();
        Duration elapsed = Duration.between(
                context.stepStartedAt() == null ? Instant.now() : context.stepStartedAt(), Instant.now());
        if (context.step().refusal() != null) {
            return StepOutcome.failed(context.step().refusal());
        }
        ArcConnection guard = context.step().guard();
        if (guard != null) {
            boolean offboarding = context.step().guardMode() == StepSpec.GuardMode.IF_CONNECTED_HERE;
            Map<String, String> agents = clusterConfig(clusters.forCluster(context.clusterId()));
            ArcConnection.Verdict verdict = offboarding ? guard.judgeOffboarding(agents) : guard.judge(agents);
            switch (verdict.state()) {
                case THIS_RESOURCE -> {
                    if (!offboarding) {
                        return skipped(verdict.detail(), "SKIPPED (already connected to this resource)");
                    }
                }
                case OTHER_RESOURCE -> {
                    return StepOutcome.failed(verdict.detail());
                }
                case NOT_CONNECTED -> {
                    if (offboarding) {
                        return skipped(
                                "no Arc agents in the cluster (" + ArcConnection.NAMESPACE + "/"
                                        + ArcConnection.CONFIG_MAP + " is absent): nothing to remove",
                                "SKIPPED (no agents)");
                    }
                }
            }
        }
        for (ArmRequest request : context.step().arm()) {
            if (request.deletes()) {
                StepOutcome pending = ArmRequest.DELETE_EACH.equals(request.method())
                        ? deleteEach(arm, context, request, record)
                        : delete(arm, context, request.resourceId(), request.apiVersion(), record);
                if (pending != null) {
                    return pending;
                }
                continue;
            }
            String operation = context.operation();
            boolean wasUpdate = false;
            Optional<ArmResource> current = null;
            if (operation != null && operation.startsWith(request.resourceId() + " ")) {
                PendingOperation pending = PendingOperation.parse(
                        operation.substring(request.resourceId().length() + 1));
                wasUpdate = pending.update();
                // ARM RPC (async-api-reference.md, "Creating/Updating using PUT"): while a PUT provisions, GETs of the
                // resource return a non-terminal provisioningState, and clients such as the template engine poll the
                // resource until it is terminal. One read then says both that the operation ended and what the
                // resource now is; the operation is read only when the resource cannot tell (absent, ended Failed or
                // Canceled: for the operation's error, or provisioned but not as asked).
                current = arm.get(request.resourceId(), request.apiVersion());
                String state = current.map(ArmResource::provisioningState).orElse(null);
                if (current.isPresent() && state != null && !terminal(state)) {
                    if (elapsed.compareTo(PROVISIONING_TIMEOUT) > 0) {
                        return StepOutcome.failed(
                                request.resourceId() + " still " + state + " after " + elapsed.toMinutes() + " min");
                    }
                    return StepOutcome.waitingOn(
                            operation,
                            request.resourceId() + " is " + state + " (provisioning)",
                            pollAfter(pending.retryAfter(), pending.age(elapsed)));
                }
                boolean provisioned = current.isPresent()
                        && current.get().provisioned()
                        && ArmDesired.satisfied(current.get().body(), request.body());
                if (!provisioned) {
                    ArmOperation status = arm.operation(pending.url());
                    if (!status.finished()) {
                        return StepOutcome.waitingOn(
                                operation,
                                request.resourceId() + ": operation " + status.status(),
                                pollAfter(status.retryAfter(), pending.age(elapsed)));
                    }
                    if (status.failed()) {
                        return StepOutcome.failed(request.resourceId() + " provisioning ended " + status.status()
                                + (status.error() == null ? "" : " (" + status.error() + ")")
                                + "; see the resource's activity log in Azure, then retry the execution");
                    }
                    current = null; // the operation may have ended after the read above: read again
                }
            }
            if (current == null && !mine(operation, request.resourceId())) {
                // a resource found provisioned as asked moments ago (the target's resource group or workspace, which
                // every cluster's plan ensures) is not read again: the step adopts it as that read found it
                Optional<ArmResource> recent =
                        arm.recentlyProvisioned(request.resourceId(), request.apiVersion(), RECENTLY_SEEN);
                if (recent.isPresent() && ArmDesired.satisfied(recent.get().body(), request.body())) {
                    record.add(Map.of("arm", request.resourceId(), "result", "present"));
                    continue;
                }
            }
            if (current == null) {
                current = arm.get(request.resourceId(), request.apiVersion());
            }
            String state = current.map(ArmResource::provisioningState).orElse(null);
            boolean settled = current.map(ArmResource::provisioned).orElse(true);
            if (current.isPresent()
                    && settled
                    && ArmDesired.satisfied(current.get().body(), request.body())) {
                boolean wrote = operation != null && !operation.startsWith(RESERVED);
                record.add(Map.of(
                        "arm", request.resourceId(), "result", !wrote ? "present" : wasUpdate ? "updated" : "created"));
                continue;
            }
            if (current.isPresent() && ("Failed".equalsIgnoreCase(state) || "Canceled".equalsIgnoreCase(state))) {
                return StepOutcome.failed(request.resourceId() + " provisioning ended " + state
                        + "; see the resource's activity log in Azure, then retry the execution");
            }
            if (current.isPresent() && !settled) {
                if (elapsed.compareTo(PROVISIONING_TIMEOUT) > 0) {
                    return StepOutcome.failed(
                            request.resourceId() + " still " + state + " after " + elapsed.toMinutes() + " min");
                }
                return StepOutcome.waitingOn(
                        operation, request.resourceId() + " is " + state, pollAfter(null, elapsed));
            }
            String reservation = RESERVED + request.resourceId();
            if (!reservation.equals(operation)) {
                Duration wait = arm.budget().reserve(ArmBudget.Kind.WRITE);
                if (!wait.isZero()) {
                    return StepOutcome.waitingOn(
                            reservation,
                            "write slot reserved in " + wait.toMillis() + " ms (the shared ARM write budget)",
                            wait);
                }
            }
            boolean update = current.isPresent();
            ArmAccepted accepted = arm.put(
                    request.resourceId(),
                    request.apiVersion(),
                    resolveArmBody(arm, context, request.body(), current.orElse(null)));
            if (accepted.done()) {
                record.add(Map.of("arm", request.resourceId(), "result", update ? "updated" : "created"));
                continue;
            }
            return StepOutcome.waitingOn(
                    accepted.operationUrl() == null
                            ? null
                            : request.resourceId() + " "
                                    + new PendingOperation(
                                                    accepted.operationUrl(),
                                                    update,
                                                    accepted.retryAfter(),
                                                    Instant.now())
                                            .format(),
                    "PUT " + request.resourceId() + " answered " + accepted.status() + "; provisioning",
                    pollAfter(accepted.retryAfter(), Duration.ZERO));
        }
        boolean touchesCluster = !context.step().kube().isEmpty()
                || context.step().waitFor() != null && context.step().waitFor().kubernetes();
        KubernetesClient client = touchesCluster ? clusters.forCluster(context.clusterId()) : null;
        for (KubeObject object : context.step().kube()) {
            if (object.action() == KubeAction.CREATE_ONLY
                    && kube.get(client, object.apiVersion(), object.kind(), object.namespace(), object.name())
                            != null) {
                // checked before the manifest is resolved: an existing agent key is never regenerated
                record.add(Map.of("kubernetes", object.kind() + "/" + object.name(), "result", "UNCHANGED (kept)"));
                continue;
            }
            Map<String, Object> manifest = object.secret() ? resolveSecret(context, object) : object.manifest();
            KubeApplier.Result result = kube.act(client, object, manifest);
            if (result == KubeApplier.Result.DELETED_FOR_REPLACE) {
                return StepOutcome.waiting(
                        object.kind() + " " + object.namespace() + "/" + object.name()
                                + " changed and cannot be updated in place: deleted, created again once it is gone",
                        poll);
            }
            record.add(Map.of("kubernetes", object.kind() + "/" + object.name(), "result", result.name()));
        }
        WaitFor waitFor = context.step().waitFor();
        if (waitFor != null) {
            Object value = waitFor.kubernetes() ? kubeProperty(client, waitFor) : armProperty(arm, waitFor);
            if (value == ABSENT && waitFor.absentIsDone()) {
                record.add(Map.of("waitFor", waitFor.resource(), "result", "absent"));
            } else if (waitFor.expectedValue() == null) {
                if (elapsed.compareTo(waitFor.timeout()) > 0) {
                    return StepOutcome.failed(waitFor.resource() + " is still there after " + elapsed.toSeconds() + " s"
                            + (waitFor.hint() == null ? "" : "; " + waitFor.hint()));
                }
                return StepOutcome.waiting(
                        waitFor.resource() + " is still there, waiting for it to be gone", pollAfter(null, elapsed));
            } else if (value == ABSENT
                    || value == null
                    || !waitFor.expectedValue().equalsIgnoreCase(String.valueOf(value))) {
                String now = value == ABSENT ? "absent" : String.valueOf(value);
                if (elapsed.compareTo(waitFor.timeout()) > 0) {
                    return StepOutcome.failed(
                            waitFor.resource() + " " + waitFor.propertyPath() + " is " + now + ", not "
                                    + waitFor.expectedValue() + ", after " + elapsed.toSeconds() + " s"
                                    + (waitFor.hint() == null ? "" : "; " + waitFor.hint()));
                }
                return StepOutcome.waiting(
                        waitFor.propertyPath() + " is " + now + ", waiting for " + waitFor.expectedValue(),
                        pollAfter(null, elapsed));
            } else {
                record.add(Map.of("waitFor", waitFor.propertyPath(), "result", String.valueOf(value)));
            }
        }
        return StepOutcome.succeeded(
                summary(record), json(Map.of("mode", ExecutorMode.LIVE.value(), "actions", record)));
    }

    /** Whether the step's remembered operation or write reservation is this resource's. */
    private static boolean mine(String operation, String resourceId) {
        return operation != null && (operation.startsWith(resourceId + " ") || operation.equals(RESERVED + resourceId));
    }

    /** Whether a provisioningState is one of ARM's three terminal states (ARM RPC, "ProvisioningState property"). */
    static boolean terminal(String provisioningState) {
        return "Succeeded".equalsIgnoreCase(provisioningState)
                || "Failed".equalsIgnoreCase(provisioningState)
                || "Canceled".equalsIgnoreCase(provisioningState);
    }

    /**
     * A long-running operation (a PUT's or a DELETE's) as the step remembers it after the resource id:
     * {@code [~]<url>[ <Retry-After>][ <accepted at>]}. The URL is ARM's (percent-encoded, so without spaces); {@code ~}
     * marks a PUT that updated an existing resource; the {@code Retry-After} of the write's answer (ISO-8601 duration)
     * paces every poll of the operation, whether the operation or the resource is read; the time ARM accepted the write
     * (ISO-8601 instant) is what the polls' growing interval counts from. An operation remembered before either was kept
     * parses without it.
     */
    record PendingOperation(String url, boolean update, Duration retryAfter, Instant acceptedAt) {
        static PendingOperation parse(String remembered) {
            boolean update = remembered.startsWith(UPDATE);
            String[] parts = (update ? remembered.substring(UPDATE.length()) : remembered).split(" ");
            Duration retryAfter = null;
            Instant acceptedAt = null;
            for (int i = 1; i < parts.length; i++) {
                if (parts[i].startsWith("P")) {
                    retryAfter = Duration.parse(parts[i]);
                } else if (!parts[i].isEmpty()) {
                    acceptedAt = Instant.parse(parts[i]);
                }
            }
            return new PendingOperation(parts[0], update, retryAfter, acceptedAt);
        }

        String format() {
            return (update ? UPDATE : "")
                    + url
                    + (retryAfter == null ? "" : " " + retryAfter)
                    + (acceptedAt == null ? "" : " " + acceptedAt);
        }

        /** How long the operation has run: since ARM accepted the write, else (remembered without it) the step's age. */
        Duration age(Duration stepAge) {
            return acceptedAt == null ? stepAge : Duration.between(acceptedAt, Instant.now());
        }
    }

    /**
     * When to look again at something under way (a long-running operation, a resource provisioning or deleting, a
     * condition a step waits for), {@code age} after it began: after the poll interval plus that age, so the interval
     * doubles from one look to the next (the interval, then 2, 4, 8 times it after the start), but never more than
     * {@code executor.azure.poll-interval-max} (30 s by default, the Azure SDKs' interval when ARM sends no
     * {@code Retry-After}). An operation of duration D then costs about log2(D / interval) reads until it reaches the
     * maximum, then one every maximum, where a fixed interval costs D / interval; it is seen done at most its own age
     * (and at most the maximum) late. ARM's {@code Retry-After}, when longer, wins: ARM asks clients to wait that long,
     * and the Azure SDKs' and the CLI's pollers do; at most {@link #MAX_POLL_DELAY}.
     */
    Duration pollAfter(Duration retryAfter, Duration age) {
        Duration grown = poll.plus(age.isNegative() ? Duration.ZERO : age);
        if (grown.compareTo(pollMax) > 0) {
            grown = pollMax.compareTo(poll) > 0 ? pollMax : poll;
        }
        if (retryAfter == null || retryAfter.compareTo(grown) <= 0) {
            return grown;
        }
        return retryAfter.compareTo(MAX_POLL_DELAY) > 0 ? MAX_POLL_DELAY : retryAfter;
    }

    private StepOutcome skipped(String detail, String result) {
        return StepOutcome.succeeded(
                "skipped: " + detail,
                json(Map.of(
                        "mode",
                        ExecutorMode.LIVE.value(),
                        "actions",
                        List.of(Map.of(
                                "guard",
                                ArcConnection.NAMESPACE + "/" + ArcConnection.CONFIG_MAP,
                                "result",
                                result)))));
    }

    /**
     * Makes sure one ARM resource is gone: a GET first (absent is done, and nothing is written), a DELETE within the
     * delete budget, then its long-running operation polled (remembered with the step, so a restart polls it instead of
     * sending the DELETE again) until the resource is gone. Null when it is gone; else the outcome to return now.
     */
    private StepOutcome delete(
            BudgetedArmClient arm,
            StepContext context,
            String resourceId,
            String apiVersion,
            List<Map<String, Object>> record) {
        String operation = context.operation();
        boolean sent = false;
        Duration elapsed = Duration.between(
                context.stepStartedAt() == null ? Instant.now() : context.stepStartedAt(), Instant.now());
        String tooLong = resourceId + " is not gone after " + elapsed.toMinutes() + " min; see the resource's activity"
                + " log in Azure, then retry the execution";
        if (operation != null && operation.startsWith(resourceId + " ")) {
            sent = true;
            PendingOperation pending = PendingOperation.parse(operation.substring(resourceId.length() + 1));
            ArmOperation status = arm.operation(pending.url());
            if (!status.finished()) {
                return elapsed.compareTo(PROVISIONING_TIMEOUT) > 0
                        ? StepOutcome.failed(tooLong)
                        : StepOutcome.waitingOn(
                                operation,
                                resourceId + ": delete " + status.status(),
                                pollAfter(status.retryAfter(), pending.age(elapsed)));
            }
            if (status.failed()) {
                return StepOutcome.failed("DELETE " + resourceId + " ended " + status.status()
                        + (status.error() == null ? "" : " (" + status.error() + ")")
                        + "; see the resource's activity log in Azure, then retry the execution");
            }
        }
        Optional<ArmResource> current = arm.get(resourceId, apiVersion);
        if (current.isEmpty()) {
            record.add(Map.of("arm", resourceId, "result", sent ? "deleted" : "absent"));
            return null;
        }
        if ("Deleting".equalsIgnoreCase(current.get().provisioningState())) {
            // someone's DELETE (ours, before a restart lost its operation) is under way: wait for the resource to go
            return elapsed.compareTo(PROVISIONING_TIMEOUT) > 0
                    ? StepOutcome.failed(tooLong)
                    : StepOutcome.waitingOn(
                            sent ? operation : null, resourceId + " is Deleting", pollAfter(null, elapsed));
        }
        String reservation = RESERVED + resourceId;
        if (!reservation.equals(operation)) {
            Duration wait = arm.budget().reserve(ArmBudget.Kind.DELETE);
            if (!wait.isZero()) {
                return StepOutcome.waitingOn(
                        reservation,
                        "delete slot reserved in " + wait.toMillis() + " ms (the shared ARM delete budget)",
                        wait);
            }
        }
        ArmAccepted accepted = arm.delete(resourceId, apiVersion);
        if (accepted.operationUrl() == null) {
            record.add(Map.of("arm", resourceId, "result", accepted.status() == 404 ? "absent" : "deleted"));
            return null;
        }
        return StepOutcome.waitingOn(
                resourceId + " "
                        + new PendingOperation(accepted.operationUrl(), false, accepted.retryAfter(), Instant.now())
                                .format(),
                "DELETE " + resourceId + " answered " + accepted.status() + "; deleting",
                pollAfter(accepted.retryAfter(), Duration.ZERO));
    }

    /** Lists the collection and makes sure each resource in it is gone, one at a time (see {@link #delete}). */
    private StepOutcome deleteEach(
            BudgetedArmClient arm, StepContext context, ArmRequest request, List<Map<String, Object>> record) {
        String operation = context.operation();
        if (operation != null && !operation.startsWith(RESERVED)) {
            // a DELETE under way in this collection: finish it first
            String resourceId = operation.substring(0, operation.indexOf(' '));
            StepOutcome pending = delete(arm, context, resourceId, request.apiVersion(), record);
            if (pending != null) {
                return pending;
            }
        }
        List<ArmResource> members;
        try {
            members = arm.list(request.resourceId(), request.apiVersion());
        } catch (ArmException e) {
            if (e.status() != 404) {
                throw e;
            }
            members = List.of(); // the parent is gone, and its children with it
        }
        for (ArmResource member : members) {
            StepContext fresh = operation != null && operation.equals(RESERVED + member.id())
                    ? context
                    : new StepContext(context.plan(), context.step(), context.attempt(), context.stepStartedAt(), null);
            StepOutcome pending = delete(arm, fresh, member.id(), request.apiVersion(), record);
            if (pending != null) {
                return pending;
            }
        }
        if (record.stream().noneMatch(r -> String.valueOf(r.get("arm")).startsWith(request.resourceId() + "/"))) {
            record.add(Map.of("arm", request.resourceId(), "result", "empty"));
        }
        return null;
    }

    /** The data of the Arc agents' {@code azure-arc/azure-clusterconfig} ConfigMap, or null when there is none. */
    private Map<String, String> clusterConfig(KubernetesClient client) {
        GenericKubernetesResource map =
                kube.get(client, "v1", "ConfigMap", ArcConnection.NAMESPACE, ArcConnection.CONFIG_MAP);
        if (map == null) {
            return null;
        }
        Map<String, String> data = new LinkedHashMap<>();
        if (map.getAdditionalProperties().get("data") instanceof Map<?, ?> values) {
            values.forEach((k, v) -> data.put(String.valueOf(k), String.valueOf(v)));
        }
        return data;
    }

    private Object armProperty(ArmClient arm, WaitFor waitFor) {
        return arm.get(waitFor.resource(), waitFor.apiVersion())
                .map(r -> r.property(waitFor.propertyPath()))
                .orElse(ABSENT);
    }

    private Object kubeProperty(KubernetesClient client, WaitFor waitFor) {
        String[] ref = waitFor.resource().split("/");
        int n = ref.length;
        GenericKubernetesResource resource = kube.get(client, waitFor.apiVersion(), ref[n - 2], ref[n - 3], ref[n - 1]);
        if (resource == null) {
            return ABSENT;
        }
        Object current = client.getKubernetesSerialization().convertValue(resource, Map.class);
        for (String part : waitFor.propertyPath().split("\\.")) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(part);
        }
        return current;
    }

    /**
     * The body to PUT, placeholders resolved: {@code ${arm:<id>#<path>}} references to values of other resources (a
     * workspace's customer id, an identity's principal id), read with a GET, and the route's own
     * ({@link RoutePlaceholders#inArmBody}).
     */
    private Map<String, Object> resolveArmBody(
            BudgetedArmClient arm, StepContext context, Map<String, Object> body, ArmResource current) {
        if (body == null || !json(body).contains("${")) {
            return body;
        }
        RoutePlaceholders own = placeholders.apply(context.plan().route());
        StepValues values = new Values(context, current);
        // one read per value a body refers to, however often it takes it (container insights takes the workspace's
        // customerId twice), and none when a GET found the resource provisioned moments ago
        Map<String, Optional<ArmResource>> referenced = new HashMap<>();
        return Placeholders.resolve(body, placeholder -> {
            Placeholders.ArmReference reference = Placeholders.armReference(placeholder);
            if (reference != null) {
                Object value = referenced
                        .computeIfAbsent(placeholder, k -> {
                            Optional<ArmResource> recent = arm.recentlyProvisioned(
                                    reference.resourceId(), reference.apiVersion(), RECENTLY_SEEN);
                            return recent.filter(r -> r.property(reference.path()) != null)
                                    .or(() -> arm.get(reference.resourceId(), reference.apiVersion()));
                        })
                        .map(r -> r.property(reference.path()))
                        .orElse(null);
                if (value == null) {
                    throw new ArmException(
                            0,
                            "ReferenceNotReady",
                            reference.resourceId() + " has no " + reference.path() + " yet",
                            null,
                            null);
                }
                return value.toString();
            }
            return own.inArmBody(placeholder, values);
        });
    }

    /** A Secret's manifest with the route's values filled in ({@link RoutePlaceholders#inSecret}). */
    private Map<String, Object> resolveSecret(StepContext context, KubeObject object) {
        RoutePlaceholders own = placeholders.apply(context.plan().route());
        StepValues values = new Values(context, null);
        return Placeholders.resolve(object.manifest(), placeholder -> own.inSecret(placeholder, values));
    }

    /** What a route's placeholders read while this step runs: the resource being written, the cluster, the principal. */
    private final class Values implements StepValues {
        private final StepContext context;
        private final ArmResource current;

        Values(StepContext context, ArmResource current) {
            this.context = context;
            this.current = current;
        }

        @Override
        public Object currentArmProperty(String path) {
            return current == null ? null : current.property(path);
        }

        @Override
        public Map<String, String> clusterSecret(String namespace, String name) {
            GenericKubernetesResource secret =
                    kube.get(clusters.forCluster(context.clusterId()), "v1", "Secret", namespace, name);
            if (secret == null) {
                return null;
            }
            Map<String, String> values = new LinkedHashMap<>();
            if (secret.getAdditionalProperties().get("stringData") instanceof Map<?, ?> map) {
                map.forEach((k, v) -> {
                    if (v != null) {
                        values.put(String.valueOf(k), v.toString());
                    }
                });
            }
            if (secret.getAdditionalProperties().get("data") instanceof Map<?, ?> map) {
                map.forEach((k, v) -> {
                    if (v != null) {
                        values.put(
                                String.valueOf(k),
                                new String(Base64.getDecoder().decode(v.toString()), StandardCharsets.UTF_8));
                    }
                });
            }
            return values;
        }

        @Override
        public String onboardingPrincipal(String field) {
            return principal(field);
        }
    }

    private String principal(String field) {
        var file = config.onboardingPrincipalFile()
                .orElseThrow(
                        () -> new IllegalStateException(
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

    private static String summary(List<Map<String, Object>> record) {
        return record.isEmpty()
                ? "done"
                : record.stream()
                        .map(r -> r.values().toString())
                        .reduce((a, b) -> a + "; " + b)
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
