package dev.arcfleet.planner.plan;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arcfleet.contracts.FieldError;
import dev.arcfleet.contracts.Ids;
import dev.arcfleet.contracts.PlanAction;
import dev.arcfleet.contracts.Route;
import dev.arcfleet.contracts.Target;
import dev.arcfleet.contracts.TargetKind;
import dev.arcfleet.support.rest.ApiError;
import dev.arcfleet.support.security.Roles;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
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
 * Plans and their approval (docs/contracts.md, "Approval"). {@code GET /api/v1/plans?state=&site=&route=&action=} lists
 * plans, each with the action of its current revision (ONBOARD or OFFBOARD);
 * an operator approves ({@code POST /{planId}/approve}) or rejects ({@code POST /{planId}/reject {"reason"}}) one plan's
 * current revision, or approves every plan awaiting approval that a selector selects ({@code POST /approve
 * {"site", "route", "labels", "clusterIds"}}). Who approved is the caller's token identity, never the body.
 */
@Path("/api/v1/plans")
@Produces(MediaType.APPLICATION_JSON)
public class PlanResource {
    static final int MAX_REASON = 500;
    static final int MAX_LIMIT = 5000;
    static final int MAX_CLUSTER_IDS = 1000;
    private static final Pattern LABEL_KEY = Pattern.compile("[A-Za-z0-9._/-]{1,253}");
    private static final Pattern LABEL_VALUE = Pattern.compile("[A-Za-z0-9._-]{0,63}");
    private static final Set<String> SELECTOR_FIELDS = Set.of("site", "route", "labels", "clusterIds");

    /** The last approval or rejection of a plan: of which revision, by whom, when, why. */
    public record ApprovalView(String decision, String revision, String by, Instant at, String reason) {}

    /** A plan as listed. */
    public record PlanView(
            String planId,
            String route,
            Target target,
            String state,
            String revision,
            String publishedRevision,
            String site,
            String clusterId,
            int members,
            String dependsOn,
            String executionState,
            String policyVersion,
            Instant updatedAt,
            ApprovalView approval,
            PlanAction action) {}

    public record PlanList(int count, List<PlanView> plans) {}

    /** What a selector approval did: how many plans it approved, and which. */
    public record Approved(int approved, List<String> planIds) {}

    private final PlanningService planning;

    public PlanResource(PlanningService planning) {
        this.planning = planning;
    }

    @GET
    public Response list(
            @QueryParam("state") String state,
            @QueryParam("site") String site,
            @QueryParam("route") String route,
            @QueryParam("action") String action,
            @QueryParam("limit") @DefaultValue("500") int limit) {
        List<FieldError> errors = new ArrayList<>();
        PlanState planState = enumValue(PlanState.class, "state", state, errors);
        Route planRoute = enumValue(Route.class, "route", route, errors);
        PlanAction planAction = enumValue(PlanAction.class, "action", action, errors);
        if (site != null && !Ids.SITE.matcher(site).matches()) {
            errors.add(new FieldError("site", "must match " + Ids.SITE.pattern()));
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            errors.add(new FieldError("limit", "must be 1 to " + MAX_LIMIT));
        }
        if (!errors.isEmpty()) {
            return ApiError.badRequest(errors);
        }
        List<PlanView> plans = planning.plans(planState, site, planRoute, planAction, limit).stream()
                .map(this::view)
                .toList();
        return Response.ok(new PlanList(plans.size(), plans)).build();
    }

    @GET
    @Path("/{planId}")
    public Response get(@PathParam("planId") String planId) {
        if (!Ids.PLAN_ID.matcher(planId).matches()) {
            return ApiError.badRequest(List.of(new FieldError("planId", "must match " + Ids.PLAN_ID.pattern())));
        }
        PlanEntity plan = planning.plan(planId);
        return plan == null ? notFound(planId) : Response.ok(view(plan)).build();
    }

    @POST
    @Path("/{planId}/approve")
    @RolesAllowed(Roles.OPERATOR)
    public Response approve(@PathParam("planId") String planId, @Context SecurityIdentity caller) {
        if (!Ids.PLAN_ID.matcher(planId).matches()) {
            return ApiError.badRequest(List.of(new FieldError("planId", "must match " + Ids.PLAN_ID.pattern())));
        }
        try {
            PlanEntity plan = planning.approve(planId, who(caller));
            return plan == null ? notFound(planId) : Response.ok(view(plan)).build();
        } catch (PlanningService.NotApplicable e) {
            return ApiError.response(Response.Status.CONFLICT, e.getMessage());
        }
    }

    @POST
    @Path("/{planId}/reject")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.OPERATOR)
    public Response reject(@PathParam("planId") String planId, JsonNode body, @Context SecurityIdentity caller) {
        List<FieldError> errors = new ArrayList<>();
        if (!Ids.PLAN_ID.matcher(planId).matches()) {
            errors.add(new FieldError("planId", "must match " + Ids.PLAN_ID.pattern()));
        }
        String reason = null;
        if (body != null && !body.isNull() && !body.isObject()) {
            errors.add(new FieldError("body", "must be an object {\"reason\": \"...\"}"));
        } else if (body != null && body.isObject()) {
            body.fieldNames().forEachRemaining(n -> {
                if (!n.equals("reason")) {
                    errors.add(new FieldError(n, "unknown field (known: [reason])"));
                }
            });
            JsonNode r = body.get("reason");
            if (r != null && !r.isNull()) {
                if (!r.isTextual()
                        || r.asText().length() > MAX_REASON
                        || r.asText().chars().anyMatch(Character::isISOControl)) {
                    errors.add(new FieldError(
                            "reason",
                            "must be text of at most " + MAX_REASON + " characters without control characters"));
                } else {
                    reason = r.asText().strip();
                }
            }
        }
        if (reason == null || reason.isEmpty()) {
            if (errors.stream()
                    .noneMatch(e -> e.field().equals("reason") || e.field().equals("body"))) {
                errors.add(new FieldError("reason", "required: why the plan is rejected (recorded and shown)"));
            }
        }
        if (!errors.isEmpty()) {
            return ApiError.badRequest(errors);
        }
        try {
            PlanEntity plan = planning.reject(planId, who(caller), reason);
            return plan == null ? notFound(planId) : Response.ok(view(plan)).build();
        } catch (PlanningService.NotApplicable e) {
            return ApiError.response(Response.Status.CONFLICT, e.getMessage());
        }
    }

    @POST
    @Path("/approve")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.OPERATOR)
    public Response approveAll(JsonNode body, @Context SecurityIdentity caller) {
        if (body == null || !body.isObject()) {
            return ApiError.badRequest(List.of(new FieldError(
                    "body", "must be a selector object with at least one of " + List.copyOf(SELECTOR_FIELDS))));
        }
        List<FieldError> errors = new ArrayList<>();
        body.fieldNames().forEachRemaining(n -> {
            if (!SELECTOR_FIELDS.contains(n)) {
                errors.add(new FieldError(n, "unknown field (known: clusterIds, labels, route, site)"));
            }
        });
        String site = null;
        JsonNode s = body.get("site");
        if (s != null && !s.isNull()) {
            if (!s.isTextual() || !Ids.SITE.matcher(s.asText()).matches()) {
                errors.add(new FieldError("site", "must match " + Ids.SITE.pattern()));
            } else {
                site = s.asText();
            }
        }
        Route route = null;
        JsonNode r = body.get("route");
        if (r != null && !r.isNull()) {
            route = r.isTextual() ? enumValue(Route.class, "route", r.asText(), errors) : null;
            if (!r.isTextual()) {
                errors.add(new FieldError("route", "must be one of " + Arrays.toString(Route.values())));
            }
        }
        Map<String, String> labels = new LinkedHashMap<>();
        JsonNode l = body.get("labels");
        if (l != null && !l.isNull()) {
            if (!l.isObject()) {
                errors.add(new FieldError("labels", "must be an object of label to value"));
            } else {
                l.fields().forEachRemaining(e -> {
                    if (!LABEL_KEY.matcher(e.getKey()).matches()
                            || !e.getValue().isTextual()
                            || !LABEL_VALUE.matcher(e.getValue().asText()).matches()) {
                        errors.add(new FieldError(
                                "labels",
                                "each key must match " + LABEL_KEY.pattern() + " and each value be text matching "
                                        + LABEL_VALUE.pattern()));
                    } else {
                        labels.put(e.getKey(), e.getValue().asText());
                    }
                });
            }
        }
        Set<String> clusterIds = new LinkedHashSet<>();
        JsonNode c = body.get("clusterIds");
        if (c != null && !c.isNull()) {
            if (!c.isArray() || c.size() > MAX_CLUSTER_IDS) {
                errors.add(new FieldError(
                        "clusterIds", "must be an array of at most " + MAX_CLUSTER_IDS + " cluster ids"));
            } else {
                for (JsonNode id : c) {
                    if (!id.isTextual() || !Ids.CLUSTER_ID.matcher(id.asText()).matches()) {
                        errors.add(new FieldError("clusterIds", "each must match " + Ids.CLUSTER_ID.pattern()));
                        break;
                    }
                    clusterIds.add(id.asText());
                }
            }
        }
        PlanBook.Selector selector = new PlanBook.Selector(site, route, labels, clusterIds);
        if (errors.isEmpty() && selector.empty()) {
            errors.add(new FieldError(
                    "body",
                    "name at least one of clusterIds, labels, route, site (approving every"
                            + " plan at once is not a selector)"));
        }
        if (!errors.isEmpty()) {
            return ApiError.badRequest(errors);
        }
        List<String> approved = planning.approveAll(selector, who(caller)).stream()
                .map(p -> p.planId)
                .toList();
        return Response.ok(new Approved(approved.size(), approved)).build();
    }

    private PlanView view(PlanEntity p) {
        PlanBook.Plan plan = planning.asPlan(p);
        PlanBook.Approval a = plan.approval();
        return new PlanView(
                p.planId,
                p.route,
                new Target(TargetKind.valueOf(p.targetKind), p.targetId),
                p.state.name(),
                p.revision,
                p.publishedRevision,
                plan.parameters().get("site"),
                PlanBook.clusterOf(plan),
                p.members,
                p.dependsOn,
                p.executionState,
                p.policyVersion,
                p.updatedAt,
                a == null
                        ? null
                        : new ApprovalView(
                                a.approved() ? "APPROVED" : "REJECTED", a.revision(), a.by(), a.at(), a.reason()),
                PlanIds.offboarding(p.revision) ? PlanAction.OFFBOARD : PlanAction.ONBOARD);
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, String field, String value, List<FieldError> errors) {
        if (value == null) {
            return null;
        }
        try {
            return Enum.valueOf(type, value);
        } catch (IllegalArgumentException e) {
            errors.add(new FieldError(field, "must be one of " + Arrays.toString(type.getEnumConstants())));
            return null;
        }
    }

    /** The caller's token identity as recorded (approval_by, the events' actor): at most 200 characters, printable. */
    static String who(SecurityIdentity caller) {
        String name = caller.getPrincipal().getName();
        String printable = name == null || name.isBlank() ? "unknown" : name.replaceAll("\\p{Cntrl}", "?");
        return printable.length() > 200 ? printable.substring(0, 200) : printable;
    }

    private static Response notFound(String planId) {
        return ApiError.response(Response.Status.NOT_FOUND, "no plan " + planId);
    }
}
