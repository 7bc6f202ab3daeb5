package dev.arcfleet.inventory.rest;

import dev.arcfleet.inventory.persistence.NodeQueries;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

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
    public record FleetSummary(long total, Map<String, Long> byRoute, Map<String, Long> byState,
            Map<String, Map<String, Long>> byRouteAndState) {
    }

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
}
