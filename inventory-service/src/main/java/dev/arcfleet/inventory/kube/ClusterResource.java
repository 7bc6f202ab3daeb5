package dev.arcfleet.inventory.kube;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arcfleet.inventory.registrations.RegistrationService;
import dev.arcfleet.support.rest.ApiError;
import dev.arcfleet.support.security.Roles;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;

/**
 * Kubernetes clusters whose nodes the inventory discovers. Registering one starts a watch on its {@code Node}
 * objects; deleting it stops the watch and leaves the nodes found so far as they are, unless asked to offboard them.
 */
@Path("/api/v1/clusters")
@Produces(MediaType.APPLICATION_JSON)
public class ClusterResource {
    private final ClusterSpecValidator validator;
    private final ClusterRegistry registry;
    private final RegistrationService registrations;

    public ClusterResource(
            ClusterSpecValidator validator, ClusterRegistry registry, RegistrationService registrations) {
        this.validator = validator;
        this.registry = registry;
        this.registrations = registrations;
    }

    @POST
    @RolesAllowed(Roles.OPERATOR)
    @Consumes(MediaType.APPLICATION_JSON)
    public Response register(JsonNode body) {
        ClusterSpecValidator.Result validated = validator.validate(body);
        if (!validated.valid()) {
            return ApiError.badRequest(validated.errors());
        }
        String id = validated.spec().id();
        return registry.register(validated.spec())
                .map(cluster -> Response.created(URI.create("/api/v1/clusters/" + id))
                        .entity(ClusterView.of(cluster))
                        .build())
                .orElseGet(
                        () -> ApiError.response(Response.Status.CONFLICT, "cluster " + id + " is registered already"));
    }

    @GET
    public List<ClusterView> clusters(@Context SecurityIdentity caller) {
        return registry.list().stream().map(c -> view(c, caller)).toList();
    }

    @GET
    @Path("/{id}")
    public Response cluster(@PathParam("id") String id, @Context SecurityIdentity caller) {
        return registry.find(id)
                .map(c -> Response.ok(view(c, caller)).build())
                .orElseGet(() -> ApiError.response(Response.Status.NOT_FOUND, "no cluster " + id));
    }

    /** What {@code DELETE ...?offboard=true} did: the watch stopped, and the cluster's active nodes retired. */
    public record Offboarded(String clusterId, boolean watched, int retired, List<String> nodeIds) {}

    /** Header of a plain delete: its nodes are left as they are. */
    public static final String NODES_KEPT = "X-Arcfleet-Nodes";

    /**
     * Stops watching the cluster. Without {@code offboard} its nodes are left as they are (204, and header
     * {@value #NODES_KEPT} says so); with it every active node of the cluster is retired as well, which offboards it (200).
     */
    @DELETE
    @RolesAllowed(Roles.OPERATOR)
    @Path("/{id}")
    public Response remove(@PathParam("id") String id, @QueryParam("offboard") boolean offboard) {
        boolean watched = registry.remove(id);
        if (!offboard) {
            return watched
                    ? Response.noContent()
                            .header(
                                    NODES_KEPT,
                                    "kept: the nodes found so far stay registered and"
                                            + " onboarded; DELETE with offboard=true offboards them")
                            .build()
                    : ApiError.response(Response.Status.NOT_FOUND, "no cluster " + id);
        }
        List<String> retired = registrations.retireSelected(null, null, java.util.Set.of(id), OFFBOARDED);
        if (!watched && retired.isEmpty()) {
            return ApiError.response(Response.Status.NOT_FOUND, "no cluster " + id + " and no active node of it");
        }
        return Response.ok(new Offboarded(id, watched, retired.size(), retired)).build();
    }

    /** The reason on {@code fleet.nodes} of a node retired with its cluster. */
    public static final String OFFBOARDED = "its cluster was offboarded";

    /** Paths and raw errors only for a caller with a token (any role that reads). */
    private static ClusterView view(RegisteredCluster cluster, SecurityIdentity caller) {
        return caller == null || caller.isAnonymous() ? ClusterView.anonymous(cluster) : ClusterView.of(cluster);
    }
}
