package dev.arcfleet.ops;

import dev.arcfleet.contracts.FieldError;
import dev.arcfleet.ops.ExecutionsNeedingAttention.Attention;
import dev.arcfleet.support.rest.ApiError;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/**
 * {@code GET /api/v1/executions/attention[?limit=50]}: failed executions first, then those retrying, each with the
 * reason its last event gave ({@link ExecutionsNeedingAttention}). Open to readers, like the dashboard that shows it.
 */
@Path("/api/v1/executions/attention")
public class AttentionResource {
    static final int MAX_LIMIT = 500;

    private final ExecutionsNeedingAttention executions;

    public AttentionResource(ExecutionsNeedingAttention executions) {
        this.executions = executions;
    }

    public record AttentionList(List<Attention> items) {}

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response attention(@QueryParam("limit") @DefaultValue("50") int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            return ApiError.badRequest(List.of(new FieldError("limit", "must be from 1 to " + MAX_LIMIT)));
        }
        return Response.ok(new AttentionList(executions.attention(limit))).build();
    }
}
