package dev.arcfleet.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The published JSON schemas describe every field the records put on the wire, so the two cannot drift apart. */
class SchemasTest {
    @ParameterizedTest
    @CsvSource({
        "registration.v1.schema.json, dev.arcfleet.contracts.Registration",
        "node-facts.v1.schema.json, dev.arcfleet.contracts.NodeFacts",
        "node-retired.v1.schema.json, dev.arcfleet.contracts.NodeRetired",
        "decision.v1.schema.json, dev.arcfleet.contracts.Decision",
        "onboarding-plan.v1.schema.json, dev.arcfleet.contracts.OnboardingPlan",
        "status-event.v1.schema.json, dev.arcfleet.contracts.StatusEvent",
        "rollout-state.v1.schema.json, dev.arcfleet.contracts.RolloutState"
    })
    void schemaDescribesEveryRecordComponent(String schema, String recordClass) throws Exception {
        JsonNode properties;
        try (InputStream in = getClass().getResourceAsStream("/schemas/" + schema)) {
            assertThat(in).as(schema).isNotNull();
            properties = new ObjectMapper().readTree(in).get("properties");
        }
        String[] components = Arrays.stream(Class.forName(recordClass).getRecordComponents())
                .map(RecordComponent::getName)
                .toArray(String[]::new);
        assertThat(properties.fieldNames()).toIterable().containsExactlyInAnyOrder(components);
    }

    @ParameterizedTest
    @CsvSource({
        "status-event.v1.schema.json, type, dev.arcfleet.contracts.StatusType",
        "onboarding-plan.v1.schema.json, action, dev.arcfleet.contracts.PlanAction"
    })
    void schemaListsEveryValueOfAnEnumField(String schema, String field, String enumClass) throws Exception {
        JsonNode values;
        try (InputStream in = getClass().getResourceAsStream("/schemas/" + schema)) {
            values =
                    new ObjectMapper().readTree(in).get("properties").get(field).get("enum");
        }
        String[] constants = Arrays.stream(Class.forName(enumClass).getEnumConstants())
                .map(String::valueOf)
                .toArray(String[]::new);
        List<String> listed = new ArrayList<>();
        values.forEach(v -> {
            if (!v.isNull()) {
                listed.add(v.asText());
            }
        });
        assertThat(listed).containsExactlyInAnyOrder(constants);
    }

    @Test
    void aStatusEventWithoutAnActorStillReadsAndOneWithItKeepsIt() throws Exception {
        ObjectMapper json = new ObjectMapper();
        StatusEvent old = json.readValue("""
                {"eventId": "e1", "type": "SUCCEEDED", "planId": "p1",
                 "sequence": 3}""", StatusEvent.class);
        assertThat(old.actor()).isNull();
        assertThat(old.sequence()).isEqualTo(3);
        StatusEvent approved = new StatusEvent(
                "e2",
                null,
                null,
                StatusType.APPROVED,
                null,
                "p1",
                Route.ARC_K8S,
                null,
                null,
                null,
                0,
                "approved",
                null,
                "alice");
        assertThat(json.readValue(json.writeValueAsString(approved), StatusEvent.class))
                .isEqualTo(approved);
    }

    @Test
    void aPlanWithoutAnActionOnboardsAndItsOffboardingKeepsPlanIdAndTarget() throws Exception {
        ObjectMapper mapper = new ObjectMapper().findAndRegisterModules();
        OnboardingPlan old = mapper.readValue(
                "{\"eventId\":\"e1\",\"planId\":\"p1\",\"revision\":\"r1\","
                        + "\"route\":\"ARC_K8S\",\"target\":{\"kind\":\"CLUSTER\",\"id\":\"c1\"}}",
                OnboardingPlan.class);
        assertThat(old.action()).isNull();
        assertThat(old.offboarding()).isFalse();
        OnboardingPlan off = old.toOffboard("e2", "r1-offboard", null);
        assertThat(off.offboarding()).isTrue();
        assertThat(off.planId()).isEqualTo("p1");
        assertThat(off.target()).isEqualTo(old.target());
        String json = mapper.writeValueAsString(off);
        assertThat(json).contains("\"action\":\"OFFBOARD\"").doesNotContain("\"offboarding\"");
        assertThat(mapper.readValue(json, OnboardingPlan.class)).isEqualTo(off);
    }

    @Test
    void aPlanWithoutAnAzureTargetGoesToTheDefaultAndOneWithItKeepsItWhenOffboarded() throws Exception {
        ObjectMapper mapper = new ObjectMapper().findAndRegisterModules();
        OnboardingPlan old = mapper.readValue(
                "{\"eventId\":\"e1\",\"planId\":\"p1\",\"revision\":\"r1\","
                        + "\"route\":\"ARC_K8S\",\"target\":{\"kind\":\"CLUSTER\",\"id\":\"c1\"}}",
                OnboardingPlan.class);
        assertThat(old.azureTarget()).isNull();
        AzureTarget eu = new AzureTarget("eu", "sub-eu", "rg-eu", "westeurope", List.of("eu-a", "eu-b"));
        OnboardingPlan placed = old.withAzureTarget(eu);
        String json = mapper.writeValueAsString(placed);
        assertThat(json)
                .contains("\"azureTarget\":{\"name\":\"eu\",\"subscriptionId\":\"sub-eu\"")
                .contains("\"credentials\":[\"eu-a\",\"eu-b\"]");
        assertThat(mapper.readValue(json, OnboardingPlan.class)).isEqualTo(placed);
        assertThat(placed.toOffboard("e2", "r1-offboard", null).azureTarget()).isEqualTo(eu);
        assertThat(new AzureTarget("x", "s", "g", "l", null).credentials()).isEmpty();
    }
}
