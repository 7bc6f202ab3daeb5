package dev.arcfleet.planner.handoff;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arcfleet.contracts.FieldError;
import dev.arcfleet.support.rest.ApiError;
import dev.arcfleet.support.security.Roles;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * DIRECT_AGENT hand-off kits (docs/contracts.md, "Hand-off"). {@code POST /api/v1/handoffs {"site": "lyon"}} makes the
 * kit of a site (operator); {@code GET /api/v1/handoffs} counts what awaits a kit by site and lists the kits made; a
 * kit's script and inventory are served to operators only.
 */
@Path("/api/v1/handoffs")
@Produces(MediaType.APPLICATION_JSON)
public class HandoffResource {
    private static final Pattern SITE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    /** A kit as listed. */
    public record KitSummary(String kitId, String site, String createdBy, Instant createdAt, int nodes) {
        static KitSummary of(HandoffKitEntity k) {
            return new KitSummary(k.kitId, k.site, k.createdBy, k.createdAt, k.nodes);
        }
    }

    /** A kit whole: its script and its inventory (CSV). */
    public record Kit(
            String kitId,
            String site,
            String createdBy,
            Instant createdAt,
            int nodes,
            String script,
            String inventory) {
        static Kit of(HandoffKitEntity k) {
            return new Kit(k.kitId, k.site, k.createdBy, k.createdAt, k.nodes, k.script, k.inventory);
        }
    }

    public record Overview(Map<String, Integer> awaiting, List<KitSummary> kits) {}

    private final HandoffService handoffs;

    public HandoffResource(HandoffService handoffs) {
        this.handoffs = handoffs;
    }

    @GET
    public Response overview(@QueryParam("site") String site) {
        if (site != null && !SITE.matcher(site).matches()) {
            return ApiError.badRequest(List.of(new FieldError("site", "must match " + SITE.pattern())));
        }
        return Response.ok(new Overview(
                        handoffs.awaiting(),
                        handoffs.kits(site).stream().map(KitSummary::of).toList()))
                .build();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.OPERATOR)
    public Response make(JsonNode body, @Context SecurityIdentity caller) {
        JsonNode site = body == null ? null : body.get("site");
        if (site == null || !site.isTextual() || !SITE.matcher(site.asText()).matches()) {
            return ApiError.badRequest(List.of(new FieldError(
                    "site",
                    "required: the site whose DIRECT_AGENT nodes the" + " kit holds, matching " + SITE.pattern())));
        }
        try {
            return Response.status(Response.Status.CREATED)
                    .entity(Kit.of(
                            handoffs.make(site.asText(), caller.getPrincipal().getName())))
                    .build();
        } catch (HandoffService.NoKit e) {
            return ApiError.response(Response.Status.CONFLICT, e.getMessage());
        }
    }

    @GET
    @Path("/{kitId}")
    @RolesAllowed(Roles.OPERATOR)
    public Response kit(@PathParam("kitId") String kitId) {
        return handoffs.kit(kitId).map(k -> Response.ok(Kit.of(k)).build()).orElseGet(() -> notFound(kitId));
    }

    @GET
    @Path("/{kitId}/script")
    @Produces("text/x-shellscript")
    @RolesAllowed(Roles.OPERATOR)
    public Response script(@PathParam("kitId") String kitId) {
        return handoffs.kit(kitId)
                .map(k -> Response.ok(k.script, "text/x-shellscript")
                        .header("Content-Disposition", "attachment; filename=\"onboard-" + k.site + ".sh\"")
                        .build())
                .orElseGet(() -> notFound(kitId));
    }

    @GET
    @Path("/{kitId}/inventory")
    @Produces("text/csv")
    @RolesAllowed(Roles.OPERATOR)
    public Response inventory(@PathParam("kitId") String kitId) {
        return handoffs.kit(kitId)
                .map(k -> Response.ok(k.inventory, "text/csv")
                        .header("Content-Disposition", "attachment; filename=\"inventory-" + k.site + ".csv\"")
                        .build())
                .orElseGet(() -> notFound(kitId));
    }

    private static Response notFound(String kitId) {
        return ApiError.response(Response.Status.NOT_FOUND, "no hand-off kit " + kitId.replaceAll("\\p{Cntrl}", "?"));
    }
}
