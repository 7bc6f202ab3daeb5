package dev.arcfleet.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arcfleet.contracts.FieldError;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplayRequestTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void readsBeginningAndAnInstant() throws Exception {
        ReplayRequest beginning =
                ReplayRequest.parse("planner", JSON.readTree("{\"topic\": \"fleet.nodes\", \"from\": \"beginning\"}"));
        assertThat(beginning.subscription().service()).isEqualTo("planner");
        assertThat(beginning.since()).isEmpty();
        assertThat(beginning.from()).isEqualTo("beginning");

        ReplayRequest since = ReplayRequest.parse(
                "executor-arc-k8s",
                JSON.readTree("{\"topic\": \"onboarding.plans.arc-k8s\", \"from\": \"2026-11-25T10:00:00Z\"}"));
        assertThat(since.since()).contains(Instant.parse("2026-11-25T10:00:00Z"));
    }

    @Test
    void acceptsOnlyKnownGroupsAndTheTopicTheyRead() throws Exception {
        assertThat(errors("some-group", "{\"topic\": \"fleet.nodes\", \"from\": \"beginning\"}"))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.field()).isEqualTo("group");
                    assertThat(e.message())
                            .contains("planner")
                            .contains("inventory-status")
                            .contains("executor-iot-operations");
                });
        assertThat(errors("planner", "{\"topic\": \"onboarding.status\", \"from\": \"beginning\"}"))
                .singleElement()
                .satisfies(e -> assertThat(e.message()).contains("reads fleet.nodes"));
    }

    @Test
    void wantsBeginningOrAnIsoInstant() throws Exception {
        assertThat(errors("planner", "{\"topic\": \"fleet.nodes\", \"from\": \"yesterday\"}"))
                .extracting(FieldError::field)
                .containsExactly("from");
        assertThat(errors("planner", "{\"topic\": \"fleet.nodes\", \"from\": 1764064800000}"))
                .extracting(FieldError::field)
                .containsExactly("from");
        assertThat(errors("planner", "{\"topic\": \"fleet.nodes\", \"from\": \"1969-12-31T23:59:59Z\"}"))
                .extracting(FieldError::field)
                .containsExactly("from");
        assertThat(errors("planner", "{\"topic\": \"fleet.nodes\"}"))
                .extracting(FieldError::field)
                .containsExactly("from");
        assertThat(errors("nobody", "\"beginning\""))
                .extracting(FieldError::field)
                .containsExactly("group", "$");
    }

    private static List<FieldError> errors(String group, String body) throws Exception {
        var json = JSON.readTree(body);
        return catchThrowableOfType(InvalidRequestException.class, () -> ReplayRequest.parse(group, json))
                .errors();
    }
}
