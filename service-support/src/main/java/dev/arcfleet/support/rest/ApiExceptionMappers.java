package dev.arcfleet.support.rest;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import dev.arcfleet.support.db.DatabaseFailures;
import io.quarkus.logging.Log;
import jakarta.persistence.PersistenceException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Every error a client causes gets the same body as the services' own 4xx ({@link ApiError}: status and a message a
 * person can act on), never a bare status or a stack trace: unreadable JSON (bad syntax, too deep, too long), a
 * wrong content type, an unknown path or method. Messages name the place in the body, and quote no more of it than
 * the parser's first line.
 */
public class ApiExceptionMappers {
    private static final int MAX_DETAIL = 200;

    @ServerExceptionMapper
    public Response unreadableJson(JacksonException e) {
        JsonLocation at = e.getLocation();
        String where =
                at == null || at.getLineNr() < 0 ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        return ApiError.response(
                Response.Status.BAD_REQUEST,
                "the body is not readable JSON" + where + ": " + firstLine(e.getOriginalMessage()));
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        int status = e.getResponse() == null ? 500 : e.getResponse().getStatus();
        if (status >= 500) {
            Log.errorf(e, "request failed with %d", status);
            return ApiError.response(status, "the service failed to answer; see its log");
        }
        if (e.getCause() instanceof JacksonException json) {
            return unreadableJson(json);
        }
        String message = switch (status) {
            case 404 -> "no such resource";
            case 405 -> "this method is not allowed on this path";
            case 406 -> "cannot answer in the media type asked for (Accept); this API answers application/json";
            case 413 -> "the body is larger than this endpoint takes";
            case 415 -> "unsupported content type; send application/json (see the API's documentation for uploads)";
            default ->
                e.getMessage() == null || e.getMessage().isBlank()
                        ? "the request is not valid"
                        : firstLine(e.getMessage());
        };
        return ApiError.response(status, message);
    }

    /**
     * The database went away (restarting, failing over, out of connections): a 503 with {@code Retry-After}, so a client
     * sends again instead of taking the request as refused. Nothing of the request was stored (its transaction rolled
     * back). Other persistence failures are the service's own: a 500 whose detail is in the log only.
     */
    @ServerExceptionMapper
    public Response persistence(PersistenceException e) {
        if (DatabaseFailures.unavailable(e)) {
            Log.warnf(
                    "request refused while the database is unavailable: %s", firstLine(String.valueOf(e.getMessage())));
            return ApiError.retryLater(
                    503, "the database is unavailable; nothing of this request was stored, send it again", 5);
        }
        Log.errorf(e, "request failed on the database");
        return ApiError.response(Response.Status.INTERNAL_SERVER_ERROR, "the service failed to answer; see its log");
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "(no detail)";
        }
        String line = text.lines().findFirst().orElse("");
        return line.length() > MAX_DETAIL ? line.substring(0, MAX_DETAIL) + "..." : line;
    }
}
