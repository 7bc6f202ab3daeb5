package dev.arcfleet.inventory.nodes;

import dev.arcfleet.contracts.FieldError;
import dev.arcfleet.support.rest.ApiError;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

@Path("/api/v1/fleet")
@Produces(MediaType.APPLICATION_JSON)
public class FleetResource {
    private final NodeQueries queries;

    public FleetResource(NodeQueries queries) {
        this.queries = queries;
    }

    /** Node counts by route and state; a node the planner has not decided yet counts under route UNDECIDED. */
    public record FleetSummary(
            long total,
            Map<String, Long> byRoute,
            Map<String, Long> byState,
            Map<String, Map<String, Long>> byRouteAndState) {}

    @GET
    @Path("/summary")
    @Transactional
    public FleetSummary summary() {
        Map<String, Map<String, Long>> byRouteAndState = queries.countByRouteAndState();
        Map<String, Long> byRoute = new TreeMap<>();
        Map<String, Long> byState = new TreeMap<>();
        long total = 0;
        for (var route : byRouteAndState.entrySet()) {
            for (var state : route.getValue().entrySet()) {
                byRoute.merge(route.getKey(), state.getValue(), Long::sum);
                byState.merge(state.getKey(), state.getValue(), Long::sum);
                total += state.getValue();
            }
        }
        return new FleetSummary(total, byRoute, byState, byRouteAndState);
    }

    public record Breakdown(String by, Map<String, Map<String, Long>> counts) {}

    /** The plans the planner holds for an operator's approval (read-only: approvals are the planner's). */
    public record Approvals(int count, List<NodeQueries.AwaitingApproval> plans) {}

    @GET
    @Path("/approvals")
    @Transactional
    public Approvals approvals(@QueryParam("limit") @DefaultValue("200") int limit) {
        List<NodeQueries.AwaitingApproval> plans = queries.awaitingApproval(Math.max(1, Math.min(limit, 1000)));
        return new Approvals(plans.size(), plans);
    }

    /** Node counts by site, cluster or OS family, and state. */
    @GET
    @Path("/breakdown")
    @Produces(MediaType.APPLICATION_JSON)
    @Transactional
    public Response breakdown(@QueryParam("by") @DefaultValue("site") String by) {
        String column = switch (by) {
            case "site" -> "site";
            case "cluster" -> "cluster_id";
            case "family" -> "os_family";
            default -> null;
        };
        if (column == null) {
            return ApiError.badRequest(List.of(new FieldError("by", "must be one of site, cluster, family")));
        }
        return Response.ok(new Breakdown(by, queries.countByAndState(column))).build();
    }
}
