package dev.arcfleet.inventory.rollouts;

import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** What the dashboard's rollouts panel reads: the planner's rollouts as last published (read-only). */
@Path("/api/v1/dashboard")
@Produces(MediaType.APPLICATION_JSON)
public class DashboardResource {
    private final RolloutProjection rollouts;

    public DashboardResource(RolloutProjection rollouts) {
        this.rollouts = rollouts;
    }

    public record Rollouts(int count, List<RolloutProjection.RolloutView> rollouts) {}

    /** The rollouts, the most recently changed first, at most {@code limit} (1 to 200). */
    @GET
    @Path("/rollouts")
    public Rollouts rollouts(@QueryParam("limit") @DefaultValue("50") int limit) {
        List<RolloutProjection.RolloutView> views = rollouts.list(Math.max(1, Math.min(limit, 200)));
        return new Rollouts(views.size(), views);
    }
}
