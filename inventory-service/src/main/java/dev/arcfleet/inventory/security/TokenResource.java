package dev.arcfleet.inventory.security;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arcfleet.contracts.FieldError;
import dev.arcfleet.support.log.LogSafe;
import dev.arcfleet.support.rest.ApiError;
import dev.arcfleet.support.security.Roles;
import dev.arcfleet.support.security.TokenHash;
import dev.arcfleet.support.security.TokenIdentityProvider;
import io.quarkus.logging.Log;
import jakarta.annotation.security.RolesAllowed;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Tokens for people (reader, operator, admin) and for devices of one site (registrar). The token is in the answer to
 * its creation and nowhere else; revoking one refuses it from the next request on.
 */
@Path("/api/v1/tokens")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
public class TokenResource {
    static final int MAX_NAME = 128;

    private final TokenIdentityProvider identities;

    public TokenResource(TokenIdentityProvider identities) {
        this.identities = identities;
    }

    public record TokenView(
            String tokenId, String name, String role, String site, Instant createdAt, Instant revokedAt) {
        static TokenView of(ApiTokenEntity t) {
            return new TokenView(t.tokenId, t.name, t.role, t.site, t.createdAt, t.revokedAt);
        }
    }

    public record CreatedToken(String tokenId, String name, String role, String site, String token) {}

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Transactional
    public Response create(JsonNode body) {
        List<FieldError> errors = new ArrayList<>();
        if (body == null || !body.isObject()) {
            return ApiError.badRequest(
                    List.of(new FieldError("$", "body must be an object with name, role and (for registrar) site")));
        }
        String name = text(body, "name");
        String role = text(body, "role");
        String site = text(body, "site");
        if (name == null || name.isBlank() || name.length() > MAX_NAME) {
            errors.add(new FieldError("name", "is required, at most " + MAX_NAME + " characters"));
        }
        if (role == null || !Roles.known(role)) {
            errors.add(new FieldError("role", "must be one of reader, operator, admin, registrar"));
        }
        if (Roles.REGISTRAR.equals(role) && (site == null || site.isBlank())) {
            errors.add(new FieldError("site", "is required for a registrar token: the site its devices register into"));
        }
        if (site != null && !Roles.REGISTRAR.equals(role)) {
            errors.add(new FieldError("site", "only a registrar token is bound to a site"));
        }
        if (!errors.isEmpty()) {
            return ApiError.badRequest(errors);
        }
        ApiTokenEntity entity = new ApiTokenEntity();
        String token = TokenHash.newToken();
        entity.tokenId = UUID.randomUUID().toString();
        entity.name = name.trim();
        entity.role = role;
        entity.site = site == null ? null : site.trim();
        entity.tokenHash = TokenHash.of(token);
        entity.createdAt = Instant.now();
        entity.persist();
        Log.infof(
                "token %s (%s%s) created",
                entity.tokenId, role, entity.site == null ? "" : ", site " + LogSafe.of(entity.site));
        return Response.status(Response.Status.CREATED)
                .entity(new CreatedToken(entity.tokenId, entity.name, role, entity.site, token))
                .build();
    }

    /** Whether a token is valid and what it grants, for the other services (RFC 7662 style; no role needed to ask). */
    public record Introspection(boolean active, String name, String role, String site) {}

    @POST
    @Path("/introspect")
    @RolesAllowed({Roles.SERVICE, Roles.ADMIN})
    @Consumes(MediaType.APPLICATION_JSON)
    public Response introspect(JsonNode body) {
        String token = body == null ? null : text(body, "token");
        if (token == null || token.isBlank()) {
            return ApiError.badRequest(List.of(new FieldError("token", "is required: the bearer token to check")));
        }
        return Response.ok(identities
                        .grantOf(token.trim())
                        .map(g -> new Introspection(true, g.name(), g.role(), g.site()))
                        .orElse(new Introspection(false, null, null, null)))
                .build();
    }

    @GET
    @Transactional
    public List<TokenView> list() {
        return ApiTokenEntity.<ApiTokenEntity>find("order by createdAt").list().stream()
                .map(TokenView::of)
                .toList();
    }

    @DELETE
    @Path("/{tokenId}")
    @Transactional
    public Response revoke(@PathParam("tokenId") String tokenId) {
        ApiTokenEntity token = ApiTokenEntity.findById(tokenId);
        if (token == null) {
            return ApiError.response(Response.Status.NOT_FOUND, "no token " + tokenId);
        }
        if (token.revokedAt == null) {
            token.revokedAt = Instant.now();
            Log.infof("token %s (%s) revoked", token.tokenId, token.role);
        }
        return Response.ok(TokenView.of(token)).build();
    }

    private static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        return value != null && value.isTextual() ? value.asText() : null;
    }
}
