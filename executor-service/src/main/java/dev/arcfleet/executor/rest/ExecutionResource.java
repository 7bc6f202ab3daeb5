package dev.arcfleet.executor.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arcfleet.executor.persistence.ExecutionEntity;
import dev.arcfleet.executor.persistence.ExecutionStepEntity;
import dev.arcfleet.contracts.FieldError;
import dev.arcfleet.executor.service.ExecutionControl;
import dev.arcfleet.support.rest.ApiError;
import dev.arcfleet.support.security.Roles;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

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
        String reason = null;
        if (body != null && !body.isBlank()) {
            JsonNode json = readOrNull(body);
            JsonNode value = json == null ? null : json.get("reason");
            if (json == null || !json.isObject() || (value != null && !value.isTextual())
                    || (value != null && value.asText().length() > MAX_REASON)) {
                return ApiError.badRequest(List.of(new FieldError("reason", "optional text of at most " + MAX_REASON
                        + " characters, in a JSON object: {\"reason\": \"...\"}")));
            }
            reason = value == null ? null : value.asText();
        }
        String why = reason;
        return act(planId, () -> control.cancel(planId, caller.getPrincipal().getName(), why));
    }

    private JsonNode readOrNull(String body) {
        try {
            return mapper.readTree(body);
        } catch (JsonProcessingException e) {
            return null;
        }
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
            return action.get().map(e -> Response.ok(get(planId)).build())
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
        return new ExecutionView(e.planId, e.revision, e.route.name(),
                new ExecutionView.Target(e.targetKind.name(), e.targetId), e.mode, e.state.name(), e.correlationId,
                e.failureReason, e.createdAt, e.finishedAt, e.steps.stream().map(this::step).toList(),
                executions.stream().map(x -> x.revision).toList());
    }

    private ExecutionView.Step step(ExecutionStepEntity s) {
        Long duration = s.startedAt != null && s.finishedAt != null ? Duration.between(s.startedAt, s.finishedAt).toMillis() : null;
        return new ExecutionView.Step(s.idx, s.name, s.state.name(), s.attempts, s.startedAt, s.finishedAt, duration, s.detail,
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
