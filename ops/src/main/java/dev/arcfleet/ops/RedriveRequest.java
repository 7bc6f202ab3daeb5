package dev.arcfleet.ops;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arcfleet.contracts.FieldError;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code {"topic": "<dlq topic>", "records": [{"partition": 0, "offset": 12}, ...]}} or
 * {@code {"topic": "<dlq topic>", "all": true}}: which dead-lettered records to re-drive. A record named twice counts
 * once.
 */
public record RedriveRequest(String topic, boolean all, List<Coordinates> records) {
    public static final int MAX_RECORDS = 1000;

    /** The request in {@code body}, or an {@link InvalidRequestException} with one message per bad field. */
    public static RedriveRequest parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new InvalidRequestException(
                    "$",
                    "the body must be an object: {\"topic\": \"<dlq topic>\", \"records\":"
                            + " [{\"partition\": 0, \"offset\": 12}]} or {\"topic\": \"<dlq topic>\", \"all\": true}");
        }
        List<FieldError> errors = new ArrayList<>();
        JsonNode topic = body.get("topic");
        if (topic == null || !topic.isTextual() || !DeadLetterTopics.known(topic.asText())) {
            errors.add(new FieldError("topic", "must be one of " + String.join(", ", DeadLetterTopics.KNOWN)));
        }
        JsonNode all = body.get("all");
        if (all != null && !all.isNull() && !all.isBoolean()) {
            errors.add(new FieldError("all", "must be true or false"));
        }
        boolean everything = all != null && all.isBoolean() && all.booleanValue();
        JsonNode records = body.get("records");
        boolean named = records != null && !records.isNull();
        Set<Coordinates> coordinates = new LinkedHashSet<>();
        if (named && !records.isArray()) {
            errors.add(
                    new FieldError("records", "must be an array of {\"partition\": <number>, \"offset\": <number>}"));
        } else if (named && records.size() > MAX_RECORDS) {
            errors.add(new FieldError(
                    "records",
                    "at most " + MAX_RECORDS + " records a request (" + records.size()
                            + " given); for a whole topic send \"all\": true"));
        } else if (named) {
            for (int i = 0; i < records.size(); i++) {
                coordinate(records.get(i), "records[" + i + "]", errors).ifPresent(coordinates::add);
            }
        }
        if (named && everything) {
            errors.add(new FieldError("all", "give either records or \"all\": true, not both"));
        } else if (!everything && (!named || (records.isArray() && records.isEmpty()))) {
            errors.add(new FieldError("records", "name at least one record to re-drive, or send \"all\": true"));
        }
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        return new RedriveRequest(topic.asText(), everything, List.copyOf(coordinates));
    }

    private static java.util.Optional<Coordinates> coordinate(JsonNode record, String field, List<FieldError> errors) {
        if (record == null || !record.isObject()) {
            errors.add(new FieldError(field, "must be an object {\"partition\": <number>, \"offset\": <number>}"));
            return java.util.Optional.empty();
        }
        JsonNode partition = record.get("partition");
        JsonNode offset = record.get("offset");
        boolean good = true;
        if (partition == null
                || !partition.canConvertToInt()
                || !partition.isIntegralNumber()
                || partition.intValue() < 0) {
            errors.add(new FieldError(field + ".partition", "must be a whole number, 0 or more"));
            good = false;
        }
        if (offset == null || !offset.canConvertToLong() || !offset.isIntegralNumber() || offset.longValue() < 0) {
            errors.add(new FieldError(field + ".offset", "must be a whole number, 0 or more"));
            good = false;
        }
        return good
                ? java.util.Optional.of(new Coordinates(partition.intValue(), offset.longValue()))
                : java.util.Optional.empty();
    }
}
