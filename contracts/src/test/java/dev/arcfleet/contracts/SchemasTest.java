package dev.arcfleet.contracts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
}
