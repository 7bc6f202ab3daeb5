package dev.arcfleet.inventory.rest;

import dev.arcfleet.contracts.FieldError;
import dev.arcfleet.inventory.live.LiveEvent;
import dev.arcfleet.inventory.live.LiveEvents;
import dev.arcfleet.inventory.persistence.NodeQueries;
import dev.arcfleet.support.rest.ApiError;
import io.smallrye.mutiny.Multi;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestStreamElementType;

import java.util.List;

/** What the dashboard reads besides the node API: timelines, executions that need a person, and the live stream. */
@Path("/api/v1")
public class DashboardResource {
    static final int MAX_LIMIT = 500;
    static final int TIMELINE_LIMIT = 1000;

    private final NodeQueries queries;
    private final LiveEvents live;

    public DashboardResource(NodeQueries queries, LiveEvents live) {
        this.queries = queries;
        this.live = live;
    }

    public record Timeline(String nodeId, List<NodeQueries.TimelineEntry> events) {
    }

    /** Every status event of the node, its decisions and the steps of the plans it belonged to, oldest first. */
    @GET
    @Path("/timelines/{nodeId: .+}")
    @Produces(MediaType.APPLICATION_JSON)
    @Transactional
    public Response timeline(@PathParam("nodeId") String nodeId) {
        if (queries.find(nodeId).isEmpty()) {
            return ApiError.response(Response.Status.NOT_FOUND, "no node " + nodeId);
        }
        return Response.ok(new Timeline(nodeId, queries.timeline(nodeId, TIMELINE_LIMIT))).build();
    }

    public record AttentionList(List<NodeQueries.Attention> items) {
    }

    /** Failed executions first, then those retrying, each with the reason its last event gave. */
    @GET
    @Path("/executions/attention")
    @Produces(MediaType.APPLICATION_JSON)
    @Transactional
    public Response attention(@QueryParam("limit") @DefaultValue("50") int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            return ApiError.badRequest(List.of(new FieldError("limit", "must be from 1 to " + MAX_LIMIT)));
        }
        return Response.ok(new AttentionList(queries.attention(limit))).build();
    }

    /** Registry changes as server-sent events, after they are committed. */
    @GET
    @Path("/live")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    public Multi<LiveEvent> live() {
        return live.stream().orElseThrow(() -> new WebApplicationException(ApiError.retryLater(503,
                "too many live streams are open (fleet.live.max-subscribers); try again later", 30)));
    }
}
