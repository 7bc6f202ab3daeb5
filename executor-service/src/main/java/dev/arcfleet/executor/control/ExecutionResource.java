package dev.arcfleet.executor.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arcfleet.contracts.FieldError;
import dev.arcfleet.executor.execution.ExecutionEntity;
import dev.arcfleet.executor.execution.ExecutionStepEntity;
import dev.arcfleet.support.rest.ApiError;
import dev.arcfleet.support.security.Roles;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

@Path("/api/v1/executions")
@Produces(MediaType.APPLICATION_JSON)
public class ExecutionResource {
    static final int MAX_REASON = 500;

    private final ObjectMapper mapper;
    private final ExecutionControl control;

    public ExecutionResource(ObjectMapper mapper, ExecutionControl control) {
        this.mapper = mapper;
        this.control = control;
    }

    /** Ends a running execution; the optional body {@code {"reason": "..."}} goes into its failure reason. */
    @POST
    @Path("/{planId}/cancel")
    @Consumes(MediaType.WILDCARD)
    @RolesAllowed(Roles.OPERATOR)
    public Response cancel(@PathParam("planId") String planId, @Context SecurityIdentity caller, String body) {
        String reason;
        try {
            reason = reasonOf(body);
        } catch (IllegalArgumentException e) {
            return ApiError.badRequest(List.of(new FieldError(
                    "reason",
                    "optional text of at most " + MAX_REASON
                            + " characters, in a JSON object: {\"reason\": \"...\"}")));
        }
        return act(planId, () -> control.cancel(planId, caller.getPrincipal().getName(), reason));
    }

    /** The reason of a cancel body: null without one; IllegalArgumentException for a body that is not one. */
    private String reasonOf(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        JsonNode json;
        try {
            json = mapper.readTree(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
        JsonNode value = json.isObject() ? json.get("reason") : null;
        if (!json.isObject()
                || value != null && (!value.isTextual() || value.asText().length() > MAX_REASON)) {
            throw new IllegalArgumentException("not a cancel body");
        }
        return value == null ? null : value.asText();
    }

    /** Runs a failed execution again from its failed step. */
    @POST
    @Path("/{planId}/retry")
    @Consumes(MediaType.WILDCARD)
    @RolesAllowed(Roles.OPERATOR)
    public Response retry(@PathParam("planId") String planId, @Context SecurityIdentity caller) {
        return act(planId, () -> control.retry(planId, caller.getPrincipal().getName()));
    }

    private Response act(String planId, Supplier<Optional<ExecutionEntity>> action) {
        try {
            return action.get()
                    .map(e -> Response.ok(get(planId)).build())
                    .orElseGet(() -> ApiError.response(Response.Status.NOT_FOUND, "no execution for plan " + planId));
        } catch (ExecutionControl.Conflict e) {
            return ApiError.response(Response.Status.CONFLICT, e.getMessage());
        }
    }

    @GET
    @Path("/{planId}")
    @Transactional
    public ExecutionView get(@PathParam("planId") String planId) {
        List<ExecutionEntity> executions = ExecutionEntity.list("planId = ?1 order by createdAt desc", planId);
        if (executions.isEmpty()) {
            throw new NotFoundException("no execution for plan " + planId);
        }
        ExecutionEntity e = executions.get(0);
        return new ExecutionView(
                e.planId,
                e.revision,
                e.route.name(),
                new ExecutionView.Target(e.targetKind.name(), e.targetId),
                e.mode,
                e.state.name(),
                e.correlationId,
                e.failureReason,
                e.createdAt,
                e.finishedAt,
                e.steps.stream().map(this::step).toList(),
                executions.stream().map(x -> x.revision).toList(),
                e.action.name());
    }

    private ExecutionView.Step step(ExecutionStepEntity s) {
        Long duration = s.startedAt != null && s.finishedAt != null
                ? Duration.between(s.startedAt, s.finishedAt).toMillis()
                : null;
        return new ExecutionView.Step(
                s.idx,
                s.name,
                s.state.name(),
                s.attempts,
                s.startedAt,
                s.finishedAt,
                duration,
                s.detail,
                parse(s.record));
    }

    private JsonNode parse(String json) {
        if (json == null) {
            return null;
        }
        try {
            return mapper.readTree(json);
        } catch (JsonProcessingException e) {
            return mapper.getNodeFactory().textNode(json);
        }
    }
}
