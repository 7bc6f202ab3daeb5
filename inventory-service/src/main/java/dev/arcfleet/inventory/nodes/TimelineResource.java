package dev.arcfleet.inventory.nodes;

import dev.arcfleet.support.rest.ApiError;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/**
 * A node's timeline, for the dashboard. The executions that need a person are served by the operator tools
 * ({@code dev.arcfleet.ops.AttentionResource}, from {@code status.PlansNeedingAttention}); the live stream by
 * {@code live.LiveResource}.
 */
@Path("/api/v1")
public class TimelineResource {
    static final int TIMELINE_LIMIT = 1000;

    private final NodeQueries queries;

    public TimelineResource(NodeQueries queries) {
        this.queries = queries;
    }

    public record Timeline(String nodeId, List<NodeQueries.TimelineEntry> events) {}

    /** Every status event of the node, its decisions and the steps of the plans it belonged to, oldest first. */
    @GET
    @Path("/timelines/{nodeId: .+}")
    @Produces(MediaType.APPLICATION_JSON)
    @Transactional
    public Response timeline(@PathParam("nodeId") String nodeId) {
        if (queries.find(nodeId).isEmpty()) {
            return ApiError.response(Response.Status.NOT_FOUND, "no node " + nodeId);
        }
        return Response.ok(new Timeline(nodeId, queries.timeline(nodeId, TIMELINE_LIMIT)))
                .build();
    }
}
