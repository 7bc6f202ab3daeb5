package dev.arcfleet.executor.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arcfleet.executor.persistence.ExecutionEntity;
import dev.arcfleet.executor.persistence.ExecutionStepEntity;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.time.Duration;
import java.util.List;

@Path("/api/v1/executions")
@Produces(MediaType.APPLICATION_JSON)
public class ExecutionResource {
    private final ObjectMapper mapper;

    public ExecutionResource(ObjectMapper mapper) {
        this.mapper = mapper;
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
