package dev.arcfleet.support.rest;

import dev.arcfleet.contracts.FieldError;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/** The error body of every 4xx the services answer: a message, and the bad fields where there are some. */
public record ApiError(int status, String message, List<FieldError> errors) {

    public static Response badRequest(List<FieldError> errors) {
        String message = errors.size() == 1
                ? errors.get(0).field() + " " + errors.get(0).message()
                : errors.size() + " fields are invalid";
        return Response.status(Response.Status.BAD_REQUEST)
                .type(MediaType.APPLICATION_JSON)
                .entity(new ApiError(400, message, errors))
                .build();
    }

    public static Response response(Response.Status status, String message) {
        return response(status.getStatusCode(), message);
    }

    /** A refusal the client should send again after {@code seconds} (429, 503): the body and a {@code Retry-After}. */
    public static Response retryLater(int status, String message, long seconds) {
        return Response.fromResponse(response(status, message))
                .header("Retry-After", Long.toString(seconds))
                .build();
    }

    /** For statuses the enum lacks or that arrive as numbers (a framework's 405 or 415). */
    public static Response response(int status, String message) {
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON)
                .entity(new ApiError(status, message, List.of()))
                .build();
    }
}
