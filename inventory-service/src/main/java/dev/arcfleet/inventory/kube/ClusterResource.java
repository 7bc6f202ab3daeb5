package dev.arcfleet.inventory.kube;

import dev.arcfleet.support.rest.ApiError;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arcfleet.support.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.net.URI;
import java.util.List;

/**
 * Kubernetes clusters whose nodes the inventory discovers. Registering one starts a watch on its {@code Node}
 * objects; deleting it stops the watch and leaves the nodes found so far as they are.
 */
@Path("/api/v1/clusters")
@Produces(MediaType.APPLICATION_JSON)
public class ClusterResource {
    private final ClusterSpecValidator validator;
    private final ClusterRegistry registry;

    public ClusterResource(ClusterSpecValidator validator, ClusterRegistry registry) {
        this.validator = validator;
        this.registry = registry;
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
                .map(cluster -> Response.created(URI.create("/api/v1/clusters/" + id)).entity(ClusterView.of(cluster)).build())
                .orElseGet(() -> ApiError.response(Response.Status.CONFLICT, "cluster " + id + " is registered already"));
    }

    @GET
    public List<ClusterView> clusters(@Context SecurityIdentity caller) {
        return registry.list().stream().map(c -> view(c, caller)).toList();
    }

    @GET
    @Path("/{id}")
    public Response cluster(@PathParam("id") String id, @Context SecurityIdentity caller) {
        return registry.find(id).map(c -> Response.ok(view(c, caller)).build())
                .orElseGet(() -> ApiError.response(Response.Status.NOT_FOUND, "no cluster " + id));
    }

    @DELETE
    @RolesAllowed(Roles.OPERATOR)
    @Path("/{id}")
    public Response remove(@PathParam("id") String id) {
        return registry.remove(id) ? Response.noContent().build()
                : ApiError.response(Response.Status.NOT_FOUND, "no cluster " + id);
    }

    /** Paths and raw errors only for a caller with a token (any role that reads). */
    private static ClusterView view(RegisteredCluster cluster, SecurityIdentity caller) {
        return caller == null || caller.isAnonymous() ? ClusterView.anonymous(cluster) : ClusterView.of(cluster);
    }
}
