package dev.arcfleet.planner.rollout;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arcfleet.contracts.FieldError;
import dev.arcfleet.contracts.Ids;
import dev.arcfleet.contracts.Route;
import dev.arcfleet.planner.plan.PlanBook;
import dev.arcfleet.support.rest.ApiError;
import dev.arcfleet.support.security.Roles;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Rollouts (docs/contracts.md, "Rollouts"): an operator creates one ({@code POST /api/v1/rollouts}), lists and reads
 * them with their batches' counts, and resumes ({@code POST /{id}/resume}) or aborts ({@code POST /{id}/abort}) one.
 * Who acted is the caller's token identity, never the body.
 */
@Path("/api/v1/rollouts")
@Produces(MediaType.APPLICATION_JSON)
public class RolloutResource {
    static final int MAX_BATCHES = 100;
    static final int MAX_CLUSTER_IDS = 1000;
    static final long MAX_SECONDS = 7L * 24 * 3600;
    static final Pattern ROLLOUT_ID = Pattern.compile("ro-[0-9a-f-]{36}");
    private static final Pattern LABEL_KEY = Pattern.compile("[A-Za-z0-9._/-]{1,253}");
    private static final Pattern LABEL_VALUE = Pattern.compile("[A-Za-z0-9._-]{0,63}");
    private static final Set<String> FIELDS = Set.of(
            "name",
            "selector",
            "batches",
            "successThreshold",
            "soakSeconds",
            "progressDeadlineSeconds",
            "maxConcurrent");
    private static final Set<String> SELECTOR_FIELDS = Set.of("site", "route", "labels", "clusterIds");
    private static final Set<String> BATCH_FIELDS = Set.of("count", "percent", "selector", "threshold");

    /** A failed or timed out plan of a batch, with the executor's reason. */
    public record FailureView(String planId, String outcome, String reason) {}

    /** One batch: its plans, released, succeeded, failed, timed out, running; its threshold and failed plans. */
    public record BatchView(
            int batch,
            int threshold,
            int plans,
            int released,
            int succeeded,
            int failed,
            int timedOut,
            int running,
            List<FailureView> failures) {}

    /** A rollout as shown: its state, current batch (0: none yet), why it is suspended, its batches so far. */
    public record RolloutView(
            String rolloutId,
            String name,
            String state,
            int currentBatch,
            int batchCount,
            String reason,
            BatchView current,
            List<BatchView> batches,
            Rollouts.Spec spec,
            String createdBy,
            Instant createdAt,
            String resumedBy,
            Instant resumedAt,
            String abortedBy,
            Instant abortedAt,
            Instant updatedAt) {}

    public record RolloutList(int count, List<RolloutView> rollouts) {}

    private final RolloutService rollouts;

    public RolloutResource(RolloutService rollouts) {
        this.rollouts = rollouts;
    }

    @GET
    public Response list() {
        List<RolloutView> views =
                rollouts.list().stream().map(RolloutResource::view).toList();
        return Response.ok(new RolloutList(views.size(), views)).build();
    }

    @GET
    @Path("/{rolloutId}")
    public Response get(@PathParam("rolloutId") String rolloutId) {
        if (!ROLLOUT_ID.matcher(rolloutId).matches()) {
            return badId();
        }
        RolloutService.Loaded loaded = rollouts.get(rolloutId);
        return loaded == null ? notFound(rolloutId) : Response.ok(view(loaded)).build();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.OPERATOR)
    public Response create(JsonNode body, @Context SecurityIdentity caller) {
        if (body == null || !body.isObject()) {
            return ApiError.badRequest(List.of(new FieldError("body", "must be a rollout object with a selector")));
        }
        List<FieldError> errors = new ArrayList<>();
        body.fieldNames().forEachRemaining(n -> {
            if (!FIELDS.contains(n)) {
                errors.add(new FieldError(
                        n, "unknown field (known: " + FIELDS.stream().sorted().toList() + ")"));
            }
        });
        String name = null;
        JsonNode n = body.get("name");
        if (n != null && !n.isNull()) {
            if (!n.isTextual()
                    || n.asText().isBlank()
                    || n.asText().length() > 200
                    || n.asText().chars().anyMatch(Character::isISOControl)) {
                errors.add(new FieldError("name", "must be text of 1 to 200 characters without control characters"));
            } else {
                name = n.asText().strip();
            }
        }
        PlanBook.Selector selector = selector(body.get("selector"), "selector", errors);
        if (selector == null || selector.empty()) {
            if (errors.stream().noneMatch(e -> e.field().startsWith("selector"))) {
                errors.add(
                        new FieldError("selector", "required: name at least one of clusterIds, labels, route, site"));
            }
        }
        List<Rollouts.Batch> batches = new ArrayList<>();
        JsonNode b = body.get("batches");
        if (b != null && !b.isNull()) {
            if (!b.isArray() || b.size() > MAX_BATCHES) {
                errors.add(new FieldError("batches", "must be an array of at most " + MAX_BATCHES + " batches"));
            } else {
                for (int i = 0; i < b.size(); i++) {
                    Rollouts.Batch batch = batch(b.get(i), "batches[" + i + "]", errors);
                    if (batch != null) {
                        batches.add(batch);
                    }
                }
            }
        }
        int threshold = (int) number(body, "successThreshold", 0, 100, 100, errors);
        long soak = number(body, "soakSeconds", 0, MAX_SECONDS, 0, errors);
        long deadline = number(body, "progressDeadlineSeconds", 1, MAX_SECONDS, 3600, errors);
        int concurrency = (int) number(body, "maxConcurrent", 1, 10000, 50, errors);
        if (!errors.isEmpty()) {
            return ApiError.badRequest(errors);
        }
        Rollouts.Spec spec = new Rollouts.Spec(selector, batches, threshold, soak, deadline, concurrency);
        return Response.status(Response.Status.CREATED)
                .entity(view(rollouts.create(name, spec, who(caller))))
                .build();
    }

    @POST
    @Path("/{rolloutId}/resume")
    @RolesAllowed(Roles.OPERATOR)
    public Response resume(@PathParam("rolloutId") String rolloutId, @Context SecurityIdentity caller) {
        if (!ROLLOUT_ID.matcher(rolloutId).matches()) {
            return badId();
        }
        try {
            RolloutService.Loaded loaded = rollouts.resume(rolloutId, who(caller));
            return loaded == null
                    ? notFound(rolloutId)
                    : Response.ok(view(loaded)).build();
        } catch (RolloutService.NotApplicable e) {
            return ApiError.response(Response.Status.CONFLICT, e.getMessage());
        }
    }

    @POST
    @Path("/{rolloutId}/abort")
    @RolesAllowed(Roles.OPERATOR)
    public Response abort(@PathParam("rolloutId") String rolloutId, @Context SecurityIdentity caller) {
        if (!ROLLOUT_ID.matcher(rolloutId).matches()) {
            return badId();
        }
        try {
            RolloutService.Loaded loaded = rollouts.abort(rolloutId, who(caller));
            return loaded == null
                    ? notFound(rolloutId)
                    : Response.ok(view(loaded)).build();
        } catch (RolloutService.NotApplicable e) {
            return ApiError.response(Response.Status.CONFLICT, e.getMessage());
        }
    }

    static RolloutView view(RolloutService.Loaded loaded) {
        RolloutEntity e = loaded.entity();
        Rollouts.Rollout r = loaded.rollout();
        List<BatchView> batches = new ArrayList<>();
        for (int number = 1; number <= r.batch(); number++) {
            Rollouts.Counts c = Rollouts.counts(loaded.members(), number);
            batches.add(new BatchView(
                    number,
                    r.spec().thresholdOf(number),
                    c.plans(),
                    c.released(),
                    c.succeeded(),
                    c.failed(),
                    c.timedOut(),
                    c.running(),
                    Rollouts.failures(loaded.members(), number).stream()
                            .map(m -> new FailureView(m.planId(), m.outcome().name(), m.detail()))
                            .toList()));
        }
        return new RolloutView(
                e.rolloutId,
                e.name,
                e.state,
                r.batch(),
                r.spec().batchCount(),
                e.reason,
                batches.isEmpty() ? null : batches.get(batches.size() - 1),
                batches,
                r.spec(),
                e.createdBy,
                e.createdAt,
                e.resumedBy,
                e.resumedAt,
                e.abortedBy,
                e.abortedAt,
                e.updatedAt);
    }

    private static Rollouts.Batch batch(JsonNode node, String at, List<FieldError> errors) {
        if (node == null || !node.isObject()) {
            errors.add(new FieldError(at, "must be an object with count or percent"));
            return null;
        }
        int before = errors.size();
        node.fieldNames().forEachRemaining(f -> {
            if (!BATCH_FIELDS.contains(f)) {
                errors.add(
                        new FieldError(at + "." + f, "unknown field (known: [count, percent, selector, threshold])"));
            }
        });
        boolean hasCount = node.hasNonNull("count");
        boolean hasPercent = node.hasNonNull("percent");
        if (hasCount == hasPercent) {
            errors.add(new FieldError(at, "give exactly one of count and percent"));
        }
        Integer count = hasCount ? (int) number(node, "count", at + ".count", 1, 1_000_000, 0, errors) : null;
        Integer percent = hasPercent ? (int) number(node, "percent", at + ".percent", 1, 100, 0, errors) : null;
        Integer threshold = node.hasNonNull("threshold")
                ? (int) number(node, "threshold", at + ".threshold", 0, 100, 0, errors)
                : null;
        PlanBook.Selector selector = selector(node.get("selector"), at + ".selector", errors);
        return errors.size() == before ? new Rollouts.Batch(count, percent, selector, threshold) : null;
    }

    private static long number(
            JsonNode body, String field, long min, long max, long otherwise, List<FieldError> errors) {
        return number(body, field, field, min, max, otherwise, errors);
    }

    private static long number(
            JsonNode body, String field, String at, long min, long max, long otherwise, List<FieldError> errors) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return otherwise;
        }
        if (!v.isIntegralNumber() || v.asLong() < min || v.asLong() > max) {
            errors.add(new FieldError(at, "must be a whole number from " + min + " to " + max));
            return otherwise;
        }
        return v.asLong();
    }

    /** A selector object ({@code site}, {@code route}, {@code labels}, {@code clusterIds}); null when absent or bad. */
    static PlanBook.Selector selector(JsonNode node, String at, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            errors.add(new FieldError(at, "must be an object with any of clusterIds, labels, route, site"));
            return null;
        }
        int before = errors.size();
        node.fieldNames().forEachRemaining(f -> {
            if (!SELECTOR_FIELDS.contains(f)) {
                errors.add(new FieldError(at + "." + f, "unknown field (known: clusterIds, labels, route, site)"));
            }
        });
        String site = null;
        JsonNode s = node.get("site");
        if (s != null && !s.isNull()) {
            if (!s.isTextual() || !Ids.SITE.matcher(s.asText()).matches()) {
                errors.add(new FieldError(at + ".site", "must match " + Ids.SITE.pattern()));
            } else {
                site = s.asText();
            }
        }
        Route route = null;
        JsonNode r = node.get("route");
        if (r != null && !r.isNull()) {
            try {
                route = r.isTextual() ? Route.valueOf(r.asText()) : null;
            } catch (IllegalArgumentException e) {
                route = null;
            }
            if (route == null) {
                errors.add(new FieldError(at + ".route", "must be one of " + Arrays.toString(Route.values())));
            }
        }
        Map<String, String> labels = new LinkedHashMap<>();
        JsonNode l = node.get("labels");
        if (l != null && !l.isNull()) {
            if (!l.isObject()) {
                errors.add(new FieldError(at + ".labels", "must be an object of label to value"));
            } else {
                l.fields().forEachRemaining(e -> {
                    if (!LABEL_KEY.matcher(e.getKey()).matches()
                            || !e.getValue().isTextual()
                            || !LABEL_VALUE.matcher(e.getValue().asText()).matches()) {
                        if (errors.stream().noneMatch(x -> x.field().equals(at + ".labels"))) {
                            errors.add(new FieldError(
                                    at + ".labels",
                                    "each key must match " + LABEL_KEY.pattern() + " and each value be text matching "
                                            + LABEL_VALUE.pattern()));
                        }
                    } else {
                        labels.put(e.getKey(), e.getValue().asText());
                    }
                });
            }
        }
        Set<String> clusterIds = new LinkedHashSet<>();
        JsonNode c = node.get("clusterIds");
        if (c != null && !c.isNull()) {
            if (!c.isArray() || c.size() > MAX_CLUSTER_IDS) {
                errors.add(new FieldError(
                        at + ".clusterIds", "must be an array of at most " + MAX_CLUSTER_IDS + " cluster ids"));
            } else {
                for (JsonNode id : c) {
                    if (!id.isTextual() || !Ids.CLUSTER_ID.matcher(id.asText()).matches()) {
                        errors.add(new FieldError(at + ".clusterIds", "each must match " + Ids.CLUSTER_ID.pattern()));
                        break;
                    }
                    clusterIds.add(id.asText());
                }
            }
        }
        return errors.size() == before ? new PlanBook.Selector(site, route, labels, clusterIds) : null;
    }

    /** The caller's token identity as recorded: at most 200 characters, printable. */
    static String who(SecurityIdentity caller) {
        String name = caller.getPrincipal().getName();
        String printable = name == null || name.isBlank() ? "unknown" : name.replaceAll("\\p{Cntrl}", "?");
        return printable.length() > 200 ? printable.substring(0, 200) : printable;
    }

    private static Response badId() {
        return ApiError.badRequest(List.of(new FieldError("rolloutId", "must match " + ROLLOUT_ID.pattern())));
    }

    private static Response notFound(String rolloutId) {
        return ApiError.response(Response.Status.NOT_FOUND, "no rollout " + rolloutId);
    }
}
