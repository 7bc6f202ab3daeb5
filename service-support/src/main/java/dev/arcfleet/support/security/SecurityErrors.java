package dev.arcfleet.support.security;

import dev.arcfleet.support.rest.ApiError;
import io.quarkus.logging.Log;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Refusals carry the same error body as every other 4xx, and say what would be accepted. */
public class SecurityErrors {
    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e) {
        return challenge("this needs a bearer token (Authorization: Bearer ...): an operator or admin token (a site's"
                + " registrar token for registrations)");
    }

    @ServerExceptionMapper
    public Response authenticationFailed(AuthenticationFailedException e) {
        if (e.getCause() instanceof TokenCheckUnavailableException unavailable) {
            return tokenCheckUnavailable(unavailable);
        }
        return challenge("the bearer token is unknown or revoked");
    }

    @ServerExceptionMapper
    public Response tokenCheckUnavailable(TokenCheckUnavailableException e) {
        Log.warn(e.getMessage());
        return ApiError.retryLater(503, "the token cannot be checked right now; retry shortly", 5);
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return ApiError.response(Response.Status.FORBIDDEN, "this token's role may not do this");
    }

    private static Response challenge(String message) {
        Response error = ApiError.response(Response.Status.UNAUTHORIZED, message);
        return Response.fromResponse(error)
                .header("WWW-Authenticate", "Bearer realm=\"arc-fleet-onboarding\"")
                .build();
    }
}
