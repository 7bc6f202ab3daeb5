package dev.arcfleet.inventory.registrations;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arcfleet.contracts.FactsSource;
import dev.arcfleet.contracts.FieldError;
import dev.arcfleet.contracts.Registration;
import dev.arcfleet.facts.normalize.RegistrationValidator;
import dev.arcfleet.facts.normalize.Validated;
import dev.arcfleet.inventory.limits.RegistrationLimiter;
import dev.arcfleet.support.rest.ApiError;
import dev.arcfleet.support.security.Roles;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.List;

/**
 * One registration or a bulk array of up to {@value #MAX_BULK}. Each item is validated on its own: good items are
 * stored even when others are bad, and the answer says what happened to each; only an all-bad request is a 400, or a
 * 403 when every item named a node or cluster of another site than the token's (issue 19: a registrar token touches
 * its own site only; moving a node to another site takes an operator, and is recorded under the token's name).
 */
@Path("/api/v1/registrations")
public class RegistrationResource {
    static final int MAX_BULK = 10_000;

    private final RegistrationValidator validator;
    private final RegistrationService registrations;
    private final RegistrationMetrics metrics;
    private final SecurityIdentity identity;
    private final RegistrationLimiter limiter;

    public RegistrationResource(
            RegistrationValidator validator,
            RegistrationService registrations,
            RegistrationMetrics metrics,
            SecurityIdentity identity,
            RegistrationLimiter limiter) {
        this.identity = identity;
        this.limiter = limiter;
        this.validator = validator;
        this.registrations = registrations;
        this.metrics = metrics;
    }

    @POST
    @RolesAllowed({Roles.OPERATOR, Roles.REGISTRAR})
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response register(JsonNode body) {
        if (body == null || !(body.isObject() || body.isArray())) {
            return ApiError.badRequest(
                    List.of(new FieldError("$", "body must be a Registration object or an array of them")));
        }
        List<JsonNode> items = new ArrayList<>();
        if (body.isArray()) {
            if (body.size() > MAX_BULK) {
                return ApiError.response(
                        Response.Status.REQUEST_ENTITY_TOO_LARGE,
                        "a bulk registration takes at most " + MAX_BULK + " items, got " + body.size());
            }
            body.forEach(items::add);
        } else {
            items.add(body);
        }
        if (items.isEmpty()) {
            return ApiError.badRequest(List.of(new FieldError("$", "the array holds no registration")));
        }
        RegistrationLimiter.Verdict verdict = limiter.take(identity, items.size());
        if (!verdict.allowed()) {
            return refused(verdict, items.size());
        }

        String tokenSite = identity.getAttribute(Roles.SITE_ATTRIBUTE);
        List<Validated> validated = items.stream()
                .map(validator::validate)
                .map(v -> bindToSite(v, tokenSite))
                .toList();
        List<Registration> valid = validated.stream()
                .filter(Validated::valid)
                .map(Validated::registration)
                .toList();
        List<Registered> outcomes = valid.isEmpty()
                ? List.of()
                : registrations.register(valid, FactsSource.REGISTRATION, Registrant.of(identity));

        List<RegistrationResult.Item> results = new ArrayList<>(items.size());
        int next = 0;
        int accepted = 0;
        int unchanged = 0;
        int forbidden = 0;
        for (int i = 0; i < validated.size(); i++) {
            Validated v = validated.get(i);
            if (v.valid()) {
                Registered outcome = outcomes.get(next++);
                accepted += outcome.outcome() == RegistrationOutcome.ACCEPTED ? 1 : 0;
                unchanged += outcome.outcome() == RegistrationOutcome.UNCHANGED ? 1 : 0;
                forbidden += outcome.outcome() == RegistrationOutcome.FORBIDDEN ? 1 : 0;
                results.add(new RegistrationResult.Item(
                        i,
                        v.registration().deviceId(),
                        outcome.stored() ? outcome.outcome().name() : "REJECTED",
                        outcome.errors()));
            } else {
                JsonNode id = items.get(i).isObject() ? items.get(i).get("deviceId") : null;
                results.add(new RegistrationResult.Item(
                        i, id != null && id.isTextual() ? id.asText() : null, "REJECTED", v.errors()));
            }
        }
        // refusals after normalization were counted by the service
        metrics.count(FactsSource.REGISTRATION.name(), "REJECTED", items.size() - valid.size());
        int rejected = items.size() - accepted - unchanged;
        RegistrationResult result = new RegistrationResult(accepted, unchanged, rejected, results);
        // nothing stored because every item named another site's node or cluster: the token is not allowed (403)
        Response.Status status = accepted + unchanged > 0
                ? Response.Status.OK
                : forbidden == items.size() ? Response.Status.FORBIDDEN : Response.Status.BAD_REQUEST;
        return Response.status(status)
                .entity(result)
                .type(MediaType.APPLICATION_JSON)
                .build();
    }

    private Response refused(RegistrationLimiter.Verdict verdict, int items) {
        metrics.count(FactsSource.REGISTRATION.name(), "RATE_LIMITED", items);
        if (verdict.neverFits()) {
            return ApiError.response(
                    Response.Status.REQUEST_ENTITY_TOO_LARGE,
                    "this token may send at most " + verdict.burst() + " registrations in one request, got " + items
                            + "; split the bulk");
        }
        long seconds = Math.max(1, (verdict.retryAfter().toMillis() + 999) / 1000);
        return ApiError.retryLater(
                429,
                "too many registrations from this token; retry in " + seconds
                        + " s (the limit is per token; a bulk counts each of its items)",
                seconds);
    }

    /** A registrar token registers into its own site only: an item naming another site (or none) is rejected. */
    private static Validated bindToSite(Validated v, String tokenSite) {
        if (tokenSite == null || !v.valid()) {
            return v;
        }
        String site = v.registration().site();
        if (site != null && site.trim().equals(tokenSite)) {
            return v;
        }
        return Validated.rejected(List.of(new FieldError(
                "site",
                "must be " + tokenSite + ": this registration token is for that site"
                        + (site == null ? "" : ", not " + site))));
    }
}
