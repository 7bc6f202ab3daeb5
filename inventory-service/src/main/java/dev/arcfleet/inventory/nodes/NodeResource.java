package dev.arcfleet.inventory.nodes;

import dev.arcfleet.contracts.FieldError;
import dev.arcfleet.contracts.OnboardingState;
import dev.arcfleet.inventory.registrations.RegistrationService;
import dev.arcfleet.support.rest.ApiError;
import dev.arcfleet.support.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class NodeResource {
    static final int MAX_PAGE_SIZE = 500;

    private final NodeQueries queries;
    private final NodeViews views;
    private final RegistrationService registrations;
    private final StaleNodes stale;
    private final LastSeen lastSeen;

    public NodeResource(
            NodeQueries queries,
            NodeViews views,
            RegistrationService registrations,
            StaleNodes stale,
            LastSeen lastSeen) {
        this.stale = stale;
        this.lastSeen = lastSeen;
        this.queries = queries;
        this.views = views;
        this.registrations = registrations;
    }

    /** The reason an operator's retirement gives on {@code fleet.nodes}. */
    public static final String RETIRED_BY_OPERATOR = "retired by an operator";

    /** What a retirement did: how many active nodes it retired, and which. */
    public record Retired(int retired, List<String> nodeIds) {}

    /**
     * {@code POST /api/v1/nodes/retire}: every field given must match; at least one must be given. {@code stale}: true
     * picks the nodes {@code GET /api/v1/nodes/stale} lists.
     */
    public record RetireSelector(String site, Map<String, String> labels, List<String> clusterIds, Boolean stale) {}

    /** A node not seen for longer than the stale threshold. */
    public record StaleNode(String nodeId, String site, String clusterId, Instant lastSeenAt, String state) {}

    /**
     * {@code GET /api/v1/nodes/stale}: {@code enabled} false (and no item) when {@code inventory.stale.after} is off;
     * {@code staleAfter}: the threshold (ISO-8601); {@code seenBefore}: the cutoff it was applied as.
     */
    public record StalePage(
            boolean enabled,
            String staleAfter,
            Instant seenBefore,
            int page,
            int size,
            long total,
            List<StaleNode> items) {}

    /** Retires one node: it leaves the fleet and what was onboarded for it is offboarded (a retired node: 0). */
    @POST
    @Path("/nodes/{nodeId: .+}/retire")
    @RolesAllowed(Roles.OPERATOR)
    public Response retire(@PathParam("nodeId") String nodeId) {
        if (queries.find(nodeId).isEmpty()) {
            return ApiError.response(Response.Status.NOT_FOUND, "no node " + nodeId);
        }
        List<String> retired = registrations.retire(List.of(nodeId), RETIRED_BY_OPERATOR);
        return Response.ok(new Retired(retired.size(), retired)).build();
    }

    /** Retires the active nodes a selector picks ({@code site}, {@code labels}, {@code clusterIds}). */
    @POST
    @Path("/nodes/retire")
    @RolesAllowed(Roles.OPERATOR)
    @Consumes(MediaType.APPLICATION_JSON)
    public Response retireSelected(RetireSelector selector) {
        boolean staleOnly = selector != null && Boolean.TRUE.equals(selector.stale());
        if (selector == null
                || (selector.site() == null
                        && (selector.labels() == null || selector.labels().isEmpty())
                        && (selector.clusterIds() == null
                                || selector.clusterIds().isEmpty())
                        && !staleOnly)) {
            return ApiError.badRequest(
                    List.of(
                            new FieldError(
                                    "selector",
                                    "name a site, labels, clusterIds or stale: a selector naming nothing would retire the whole fleet")));
        }
        Instant seenBefore = null;
        if (staleOnly) {
            Optional<Instant> cutoff = stale.cutoff(Instant.now());
            if (cutoff.isEmpty()) {
                return ApiError.response(Response.Status.CONFLICT, "no node is stale: inventory.stale.after is off");
            }
            // the times waiting in memory count, so a node seen since its row was written is not retired
            lastSeen.flush();
            seenBefore = cutoff.get();
        }
        List<String> retired = registrations.retireSelected(
                selector.site(),
                selector.labels(),
                selector.clusterIds() == null ? Set.of() : Set.copyOf(selector.clusterIds()),
                seenBefore,
                staleOnly ? RETIRED_STALE : RETIRED_BY_OPERATOR);
        return Response.ok(new Retired(retired.size(), retired)).build();
    }

    /** The reason a retirement of stale nodes gives on {@code fleet.nodes}. */
    public static final String RETIRED_STALE = "retired by an operator: not seen for longer than inventory.stale.after";

    /** Active nodes not seen for longer than {@code inventory.stale.after}, the longest unseen first. */
    @GET
    @Path("/nodes/stale")
    public Response staleNodes(
            @QueryParam("page") @DefaultValue("0") int page, @QueryParam("size") @DefaultValue("50") int size) {
        List<FieldError> errors = new ArrayList<>();
        if (page < 0) {
            errors.add(new FieldError("page", "must be 0 or more"));
        }
        if (size < 1 || size > MAX_PAGE_SIZE) {
            errors.add(new FieldError("size", "must be from 1 to " + MAX_PAGE_SIZE));
        }
        if (!errors.isEmpty()) {
            return ApiError.badRequest(errors);
        }
        Optional<Instant> cutoff = stale.cutoff(Instant.now());
        if (cutoff.isEmpty()) {
            return Response.ok(new StalePage(false, null, null, page, size, 0, List.of()))
                    .build();
        }
        lastSeen.flush();
        NodeQueries.Page result = queries.stale(cutoff.get(), page, size);
        List<StaleNode> items = result.items().stream()
                .map(row -> new StaleNode(
                        row.node().nodeId,
                        row.node().site,
                        row.node().clusterId,
                        row.node().lastSeen(),
                        row.state().name()))
                .toList();
        return Response.ok(new StalePage(
                        true, stale.after().orElseThrow().toString(), cutoff.get(), page, size, result.total(), items))
                .build();
    }

    /** Node ids of discovered nodes hold a slash ({@code <clusterId>/<nodeName>}): the path takes the rest. */
    @GET
    @Path("/nodes/{nodeId: .+}")
    @Transactional
    public Response node(@PathParam("nodeId") String nodeId) {
        return queries.find(nodeId)
                .map(row -> Response.ok(views.full(row)).build())
                .orElseGet(() -> ApiError.response(Response.Status.NOT_FOUND, "no node " + nodeId));
    }

    public record NodePage(int page, int size, long total, List<NodeSummaryView> items) {}

    @GET
    @Path("/nodes")
    @Transactional
    public Response nodes(
            @QueryParam("route") String route,
            @QueryParam("state") String state,
            @QueryParam("site") String site,
            @QueryParam("family") String family,
            @QueryParam("cluster") String cluster,
            @QueryParam("q") String text,
            @QueryParam("page") @DefaultValue("0") int page,
            @QueryParam("size") @DefaultValue("50") int size) {
        List<FieldError> errors = new ArrayList<>();
        OnboardingState stateFilter = null;
        if (state != null && !state.isBlank()) {
            try {
                stateFilter = OnboardingState.valueOf(state.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError("state", "must be one of " + Arrays.toString(OnboardingState.values())));
            }
        }
        if (page < 0) {
            errors.add(new FieldError("page", "must be 0 or more"));
        }
        if (size < 1 || size > MAX_PAGE_SIZE) {
            errors.add(new FieldError("size", "must be from 1 to " + MAX_PAGE_SIZE));
        }
        if (!errors.isEmpty()) {
            return ApiError.badRequest(errors);
        }
        NodeQueries.Page result = queries.list(
                new NodeQueries.Filter(
                        blankToNull(route, true),
                        stateFilter,
                        blankToNull(site, false),
                        blankToNull(family, false),
                        blankToNull(cluster, false),
                        blankToNull(text, false)),
                page,
                size);
        return Response.ok(new NodePage(
                        page,
                        size,
                        result.total(),
                        result.items().stream().map(views::summary).toList()))
                .build();
    }

    private static String blankToNull(String s, boolean upper) {
        if (s == null || s.isBlank()) {
            return null;
        }
        return upper ? s.trim().toUpperCase(Locale.ROOT) : s.trim();
    }
}
