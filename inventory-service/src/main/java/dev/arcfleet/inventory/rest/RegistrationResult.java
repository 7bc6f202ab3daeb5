package dev.arcfleet.inventory.rest;

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
        this(accepted, unchanged, rejected, items, rejected > 0 && accepted + unchanged == 0
                ? (rejected == 1 ? "the registration was rejected: " + items.stream().flatMap(i -> i.errors() == null
                        ? java.util.stream.Stream.empty() : i.errors().stream()).findFirst()
                        .map(e -> e.field() + " " + e.message()).orElse("see items[0].errors")
                        : "all " + rejected + " registrations were rejected; see items[].errors")
                : null);
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Item(int index, String deviceId, String status, List<FieldError> errors) {
    }
}
