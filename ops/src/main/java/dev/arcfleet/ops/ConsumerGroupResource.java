package dev.arcfleet.ops;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arcfleet.ops.ConsumerGroupCatalog.Subscription;
import dev.arcfleet.support.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/**
 * The services' consumer groups, for operators: {@code GET /api/v1/ops/consumer-groups[?service=planner]} lists them
 * with the topic each reads ({@code bin/fleet-local replay} asks it which groups a service has);
 * {@code POST /api/v1/ops/consumer-groups/{group}/replay} with {@code {"topic": "fleet.nodes", "from": "beginning"}}
 * (or an ISO-8601 instant) moves a stopped group back ({@link ConsumerGroupReplayer}).
 */
@Path("/api/v1/ops/consumer-groups")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.OPERATOR)
public class ConsumerGroupResource {
    private final ConsumerGroupReplayer replayer;

    public ConsumerGroupResource(ConsumerGroupReplayer replayer) {
        this.replayer = replayer;
    }

    @GET
    public List<Subscription> groups(@QueryParam("service") String service) {
        if (service == null || service.isBlank()) {
            return ConsumerGroupCatalog.ALL;
        }
        List<Subscription> of = ConsumerGroupCatalog.ofService(service);
        if (of.isEmpty()) {
            throw new InvalidRequestException(
                    "service",
                    "must be one of "
                            + String.join(
                                    ", ",
                                    ConsumerGroupCatalog.ALL.stream()
                                            .map(Subscription::service)
                                            .distinct()
                                            .toList()));
        }
        return of;
    }

    @POST
    @Path("/{group}/replay")
    @Consumes(MediaType.APPLICATION_JSON)
    public ReplayResult replay(@PathParam("group") String group, JsonNode body) {
        return replayer.replay(ReplayRequest.parse(group, body));
    }
}
