package dev.arcfleet.inventory.nodes;

import dev.arcfleet.support.rest.ApiError;

import dev.arcfleet.contracts.OnboardingState;
import dev.arcfleet.contracts.FieldError;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class NodeResource {
    static final int MAX_PAGE_SIZE = 500;

    private final NodeQueries queries;
    private final NodeViews views;

    public NodeResource(NodeQueries queries, NodeViews views) {
        this.queries = queries;
        this.views = views;
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

    public record NodePage(int page, int size, long total, List<NodeSummaryView> items) {
    }

    @GET
    @Path("/nodes")
    @Transactional
    public Response nodes(@QueryParam("route") String route, @QueryParam("state") String state,
            @QueryParam("site") String site, @QueryParam("family") String family, @QueryParam("cluster") String cluster,
            @QueryParam("q") String text,
            @QueryParam("page") @DefaultValue("0") int page, @QueryParam("size") @DefaultValue("50") int size) {
        List<FieldError> errors = new ArrayList<>();
        OnboardingState stateFilter = null;
        if (state != null && !state.isBlank()) {
            try {
                stateFilter = OnboardingState.valueOf(state.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError("state",
                        "must be one of " + Arrays.toString(OnboardingState.values())));
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
        NodeQueries.Page result = queries.list(new NodeQueries.Filter(blankToNull(route, true), stateFilter,
                blankToNull(site, false), blankToNull(family, false), blankToNull(cluster, false), blankToNull(text, false)),
                page, size);
        return Response.ok(new NodePage(page, size, result.total(), result.items().stream().map(views::summary).toList()))
                .build();
    }

    private static String blankToNull(String s, boolean upper) {
        if (s == null || s.isBlank()) {
            return null;
        }
        return upper ? s.trim().toUpperCase(Locale.ROOT) : s.trim();
    }
}
