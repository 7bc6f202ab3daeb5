package dev.arcfleet.ops;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arcfleet.contracts.FieldError;
import dev.arcfleet.ops.ConsumerGroupCatalog.Subscription;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code POST /api/v1/ops/consumer-groups/{group}/replay} with {@code {"topic": "fleet.nodes", "from": "beginning"}} or
 * {@code "from": "2026-11-25T10:00:00Z"}: a known group, the topic it reads, and where to start again
 * ({@code since} empty for the beginning).
 */
public record ReplayRequest(Subscription subscription, Optional<Instant> since) {
    public static final String BEGINNING = "beginning";
    /** Kafka timestamps are epoch milliseconds; an instant past this one is surely a typing mistake. */
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

    public String from() {
        return since.map(Instant::toString).orElse(BEGINNING);
    }

    /** The request, or an {@link InvalidRequestException} with one message per bad field. */
    public static ReplayRequest parse(String group, JsonNode body) {
        Optional<Subscription> subscription = ConsumerGroupCatalog.group(group);
        List<FieldError> errors = new ArrayList<>();
        if (subscription.isEmpty()) {
            errors.add(
                    new FieldError("group", "must be one of " + String.join(", ", ConsumerGroupCatalog.groupNames())));
        }
        if (body == null || !body.isObject()) {
            errors.add(new FieldError(
                    "$",
                    "the body must be an object: {\"topic\": \"<topic the group reads>\", \"from\":"
                            + " \"beginning\" or an ISO-8601 instant such as \"2026-11-25T10:00:00Z\"}"));
            throw new InvalidRequestException(errors);
        }
        JsonNode topic = body.get("topic");
        if (subscription.isPresent()
                && (topic == null
                        || !topic.isTextual()
                        || !topic.asText().equals(subscription.get().topic()))) {
            errors.add(new FieldError(
                    "topic", "group " + group + " reads " + subscription.get().topic() + ": give that topic"));
        }
        Optional<Instant> since = Optional.empty();
        JsonNode from = body.get("from");
        if (from == null || !from.isTextual()) {
            errors.add(new FieldError(
                    "from", "must be \"beginning\" or an ISO-8601 instant such as \"2026-11-25T10:00:00Z\""));
        } else if (!BEGINNING.equals(from.asText())) {
            try {
                Instant instant = Instant.parse(from.asText());
                if (instant.isBefore(Instant.EPOCH) || instant.isAfter(LATEST)) {
                    errors.add(new FieldError("from", "must be between 1970-01-01T00:00:00Z and " + LATEST));
                } else {
                    since = Optional.of(instant);
                }
            } catch (DateTimeParseException e) {
                errors.add(new FieldError(
                        "from",
                        "must be \"beginning\" or an ISO-8601 instant such as" + " \"2026-11-25T10:00:00Z\"; \""
                                + clip(from.asText()) + "\" is neither"));
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        return new ReplayRequest(subscription.get(), since);
    }

    private static String clip(String text) {
        return text.length() > 64 ? text.substring(0, 64) + "..." : text;
    }
}
