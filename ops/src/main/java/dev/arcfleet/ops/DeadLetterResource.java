package dev.arcfleet.ops;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arcfleet.contracts.FieldError;
import dev.arcfleet.support.security.Roles;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Dead-lettered records, for operators: {@code GET /api/v1/ops/dead-letters?topic=fleet.registrations.dlq&from=0&limit=50}
 * (optionally {@code &partition=}) lists them with why they were dead-lettered and whether they were re-driven;
 * {@code GET /api/v1/ops/dead-letters/summary} counts them per topic; {@code POST /api/v1/ops/dead-letters/redrive}
 * sends chosen ones (or all) back to their topic once the cause is mended ({@link Redriver}).
 */
@Path("/api/v1/ops/dead-letters")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.OPERATOR)
public class DeadLetterResource {
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;

    private final DeadLetterBrowser browser;
    private final Redriver redriver;
    private final SecurityIdentity identity;

    public DeadLetterResource(DeadLetterBrowser browser, Redriver redriver, SecurityIdentity identity) {
        this.browser = browser;
        this.redriver = redriver;
        this.identity = identity;
    }

    @GET
    public DeadLetterPage list(
            @QueryParam("topic") String topic,
            @QueryParam("partition") String partition,
            @QueryParam("from") String from,
            @QueryParam("limit") String limit) {
        List<FieldError> errors = new ArrayList<>();
        if (!DeadLetterTopics.known(topic)) {
            errors.add(new FieldError("topic", "must be one of " + String.join(", ", DeadLetterTopics.KNOWN)));
        }
        Long partitionNumber =
                number(partition, null, 0, Integer.MAX_VALUE, "partition", "a partition number, 0 or more", errors);
        Long fromOffset = number(from, 0L, 0, Long.MAX_VALUE, "from", "an offset, 0 or more", errors);
        Long size = number(limit, (long) DEFAULT_LIMIT, 1, MAX_LIMIT, "limit", "from 1 to " + MAX_LIMIT, errors);
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        return browser.page(
                topic, partitionNumber == null ? null : partitionNumber.intValue(), fromOffset, size.intValue());
    }

    @GET
    @Path("/summary")
    public List<DeadLetterSummary> summary() {
        return browser.summary();
    }

    @POST
    @Path("/redrive")
    @Consumes(MediaType.APPLICATION_JSON)
    public RedriveResult redrive(JsonNode body) {
        return redriver.redrive(
                RedriveRequest.parse(body),
                identity.isAnonymous() ? "anonymous" : identity.getPrincipal().getName());
    }

    private static Long number(
            String text, Long absent, long min, long max, String field, String what, List<FieldError> errors) {
        if (text == null || text.isBlank()) {
            return absent;
        }
        Optional<Long> value = parse(text.trim()).filter(v -> v >= min && v <= max);
        if (value.isEmpty()) {
            errors.add(new FieldError(field, "must be " + what));
        }
        return value.orElse(absent);
    }

    private static Optional<Long> parse(String text) {
        try {
            return Optional.of(Long.parseLong(text));
        } catch (NumberFormatException notANumber) {
            return Optional.empty();
        }
    }
}
