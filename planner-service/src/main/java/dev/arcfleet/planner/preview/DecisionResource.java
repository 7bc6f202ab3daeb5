package dev.arcfleet.planner.preview;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arcfleet.contracts.FactsSource;
import dev.arcfleet.contracts.FieldError;
import dev.arcfleet.contracts.NodeFacts;
import dev.arcfleet.facts.normalize.FactsNormalizer;
import dev.arcfleet.facts.normalize.RegistrationValidator;
import dev.arcfleet.facts.normalize.Validated;
import dev.arcfleet.planner.config.PolicyDocument;
import dev.arcfleet.planner.config.PolicyException;
import dev.arcfleet.planner.decide.Policy;
import dev.arcfleet.support.rest.ApiError;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Decisions without side effects (docs/contracts.md#decision). {@code preview}: an array (or one object) of NodeFacts
 * (items with {@code nodeId}) or Registrations (items with {@code deviceId}, validated and normalized exactly as the
 * inventory does) in, decisions under the policy in force out. {@code what-if}: a policy document in (the format of
 * {@code policy/default-policy.json}); which decisions over every known node would change, and how.
 */
@Path("/api/v1/decisions")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class DecisionResource {
    static final int MAX_LISTED = 10_000;

    private final PreviewService previews;
    private final RegistrationValidator validator;
    private final FactsNormalizer normalizer;
    private final ObjectMapper mapper;
    /** The most items one preview decides ({@code planner.decisions.preview-max-items}). */
    private final int maxPreview;
    /** The most known nodes one what-if decides again ({@code planner.decisions.what-if-max-nodes}). */
    private final long maxWhatIfNodes;

    public DecisionResource(
            PreviewService previews,
            RegistrationValidator validator,
            FactsNormalizer normalizer,
            ObjectMapper mapper,
            @ConfigProperty(name = "planner.decisions.preview-max-items", defaultValue = "10000") int maxPreview,
            @ConfigProperty(name = "planner.decisions.what-if-max-nodes", defaultValue = "100000")
                    long maxWhatIfNodes) {
        this.previews = previews;
        this.validator = validator;
        this.normalizer = normalizer;
        this.mapper = mapper;
        this.maxPreview = maxPreview;
        this.maxWhatIfNodes = maxWhatIfNodes;
    }

    @POST
    @Path("/preview")
    public Response preview(JsonNode body) {
        if (body == null || !(body.isArray() || body.isObject())) {
            return ApiError.badRequest(
                    List.of(new FieldError("body", "must be a NodeFacts or Registration object, or an array of them")));
        }
        List<JsonNode> items = new ArrayList<>();
        if (body.isArray()) {
            body.forEach(items::add);
        } else {
            items.add(body);
        }
        if (items.size() > maxPreview) {
            return ApiError.response(
                    Response.Status.REQUEST_ENTITY_TOO_LARGE,
                    items.size() + " items: at most " + maxPreview
                            + " per preview (planner.decisions.preview-max-items); send them in smaller arrays");
        }
        List<FieldError> errors = new ArrayList<>();
        List<NodeFacts> facts = new ArrayList<>();
        Instant now = Instant.now();
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            String at = body.isArray() ? "[" + i + "]" : "";
            if (item.hasNonNull("deviceId")) {
                Validated v = validator.validate(item);
                if (!v.valid()) {
                    v.errors()
                            .forEach(e -> errors.add(
                                    new FieldError(at + (at.isEmpty() ? "" : ".") + e.field(), e.message())));
                    continue;
                }
                facts.add(normalizer.normalize(v.registration(), FactsSource.REGISTRATION, now, null, null));
            } else if (item.hasNonNull("nodeId")) {
                try {
                    NodeFacts f = mapper.treeToValue(item, NodeFacts.class);
                    if (f.nodeId().isBlank()) {
                        errors.add(new FieldError(at + (at.isEmpty() ? "" : ".") + "nodeId", "must not be blank"));
                        continue;
                    }
                    facts.add(f.factsHash() == null ? FactsNormalizer.withHash(f) : f);
                } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
                    errors.add(new FieldError(
                            at.isEmpty() ? "body" : at, "is not NodeFacts: " + firstLine(e.getMessage())));
                }
            } else {
                errors.add(new FieldError(
                        at.isEmpty() ? "body" : at, "needs deviceId (a Registration) or nodeId (NodeFacts)"));
            }
        }
        if (!errors.isEmpty()) {
            return ApiError.badRequest(errors);
        }
        return Response.ok(previews.preview(facts)).build();
    }

    @POST
    @Path("/what-if")
    public Response whatIf(JsonNode policyDocument, @QueryParam("limit") @DefaultValue("1000") int limit) {
        if (limit < 0 || limit > MAX_LISTED) {
            return ApiError.badRequest(List.of(new FieldError("limit", "must be from 0 to " + MAX_LISTED)));
        }
        Policy proposed;
        try {
            proposed = PolicyDocument.parse(policyDocument);
        } catch (PolicyException e) {
            return ApiError.badRequest(
                    e.errors().stream().map(DecisionResource::toFieldError).toList());
        }
        long known = previews.knownNodes();
        if (known > maxWhatIfNodes) {
            // each what-if decides every known node again: a fleet beyond the cap is not re-decided per request
            return ApiError.response(
                    Response.Status.REQUEST_ENTITY_TOO_LARGE,
                    "the planner knows " + known
                            + " nodes, and a what-if decides at most " + maxWhatIfNodes
                            + " per call (planner.decisions.what-if-max-nodes); nothing was evaluated");
        }
        return Response.ok(previews.whatIf(proposed, limit)).build();
    }

    private static FieldError toFieldError(String message) {
        int colon = message.indexOf(": ");
        return colon < 0
                ? new FieldError("policy", message)
                : new FieldError(message.substring(0, colon), message.substring(colon + 2));
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
