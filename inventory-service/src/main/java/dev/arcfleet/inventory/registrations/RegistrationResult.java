package dev.arcfleet.inventory.registrations;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.arcfleet.contracts.FieldError;
import java.util.List;

/**
 * The answer to {@code POST /api/v1/registrations}: counts, one item per registration in request order, and when
 * every item was rejected (a 400) a message saying so, like every other error body.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RegistrationResult(int accepted, int unchanged, int rejected, List<Item> items, String message) {

    public RegistrationResult(int accepted, int unchanged, int rejected, List<Item> items) {
        this(accepted, unchanged, rejected, items, accepted + unchanged == 0 ? allRejected(rejected, items) : null);
    }

    private static String allRejected(int rejected, List<Item> items) {
        if (rejected == 0) {
            return null;
        }
        if (rejected > 1) {
            return "all " + rejected + " registrations were rejected; see items[].errors";
        }
        return items.stream()
                .filter(i -> i.errors() != null)
                .flatMap(i -> i.errors().stream())
                .findFirst()
                .map(e -> "the registration was rejected: " + e.field() + " " + e.message())
                .orElse("the registration was rejected; see items[0].errors");
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Item(int index, String deviceId, String status, List<FieldError> errors) {}
}
