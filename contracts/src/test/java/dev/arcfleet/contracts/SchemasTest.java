package dev.arcfleet.contracts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.InputStream;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** The published JSON schemas describe every field the records put on the wire, so the two cannot drift apart. */
class SchemasTest {
    @ParameterizedTest
    @CsvSource({
            "registration.v1.schema.json, dev.arcfleet.contracts.Registration",
            "node-facts.v1.schema.json, dev.arcfleet.contracts.NodeFacts",
            "node-retired.v1.schema.json, dev.arcfleet.contracts.NodeRetired",
            "decision.v1.schema.json, dev.arcfleet.contracts.Decision",
            "onboarding-plan.v1.schema.json, dev.arcfleet.contracts.OnboardingPlan",
            "status-event.v1.schema.json, dev.arcfleet.contracts.StatusEvent"
    })
    void schemaDescribesEveryRecordComponent(String schema, String recordClass) throws Exception {
        JsonNode properties;
        try (InputStream in = getClass().getResourceAsStream("/schemas/" + schema)) {
            assertThat(in).as(schema).isNotNull();
            properties = new ObjectMapper().readTree(in).get("properties");
        }
        String[] components = Arrays.stream(Class.forName(recordClass).getRecordComponents())
                .map(RecordComponent::getName).toArray(String[]::new);
        assertThat(properties.fieldNames()).toIterable().containsExactlyInAnyOrder(components);
    }

    @Test
    void theStatusEventSchemaListsEveryStatusType() throws Exception {
        JsonNode types;
        try (InputStream in = getClass().getResourceAsStream("/schemas/status-event.v1.schema.json")) {
            types = new ObjectMapper().readTree(in).get("properties").get("type").get("enum");
        }
        assertThat(types).extracting(JsonNode::asText)
                .containsExactlyInAnyOrder(Arrays.stream(StatusType.values()).map(Enum::name).toArray(String[]::new));
    }

    @Test
    void aStatusEventWithoutAnActorStillReadsAndOneWithItKeepsIt() throws Exception {
        ObjectMapper json = new ObjectMapper();
        StatusEvent old = json.readValue("""
                {"eventId": "e1", "type": "SUCCEEDED", "planId": "p1",
                 "sequence": 3}""", StatusEvent.class);
        assertThat(old.actor()).isNull();
        assertThat(old.sequence()).isEqualTo(3);
        StatusEvent approved = new StatusEvent("e2", null, null,
                StatusType.APPROVED, null, "p1", Route.ARC_K8S, null, null, null, 0, "approved", null, "alice");
        assertThat(json.readValue(json.writeValueAsString(approved), StatusEvent.class)).isEqualTo(approved);
    }
}
