package dev.arcfleet.support.rest;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Refuses, before any resource runs, a URL whose decoded path or query holds a NUL character: no id or filter
 * contains one, and PostgreSQL cannot store or compare text holding it (it would surface as a 500).
 */
public class RequestGuards {
    @ServerRequestFilter(preMatching = true)
    public Response refuseNulInUrl(ContainerRequestContext request) {
        if (request.getUriInfo().getPath().indexOf('\0') >= 0) {
            return ApiError.response(Response.Status.BAD_REQUEST, "the path holds a NUL character (%00)");
        }
        for (Map.Entry<String, List<String>> parameter :
                request.getUriInfo().getQueryParameters().entrySet()) {
            if (parameter.getKey().indexOf('\0') >= 0
                    || parameter.getValue().stream().anyMatch(v -> v.indexOf('\0') >= 0)) {
                return ApiError.response(
                        Response.Status.BAD_REQUEST,
                        "query parameter " + parameter.getKey().replace('\0', '?') + " holds a NUL character (%00)");
            }
        }
        return null;
    }
}
