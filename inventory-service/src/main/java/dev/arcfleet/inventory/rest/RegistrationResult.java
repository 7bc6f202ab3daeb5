package dev.arcfleet.inventory.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.arcfleet.contracts.FieldError;

import java.util.List;

/** The answer to {@code POST /api/v1/registrations}: counts, and one item per registration in request order. */
public record RegistrationResult(int accepted, int unchanged, int rejected, List<Item> items) {

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Item(int index, String deviceId, String status, List<FieldError> errors) {
    }
}
