package dev.arcfleet.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arcfleet.contracts.FieldError;
import org.junit.jupiter.api.Test;

class RedriveRequestTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void readsNamedRecordsInOrderCountingARepeatOnce() throws Exception {
        RedriveRequest r = RedriveRequest.parse(json("""
                {"topic": "fleet.registrations.dlq", "records": [{"partition": 2, "offset": 7}, {"partition": 0, "offset": 12},
                 {"partition": 2, "offset": 7}]}"""));
        assertThat(r.topic()).isEqualTo("fleet.registrations.dlq");
        assertThat(r.all()).isFalse();
        assertThat(r.records()).containsExactly(new Coordinates(2, 7), new Coordinates(0, 12));
    }

    @Test
    void readsAll() throws Exception {
        RedriveRequest r = RedriveRequest.parse(json("{\"topic\": \"onboarding.status.dlq\", \"all\": true}"));
        assertThat(r.all()).isTrue();
        assertThat(r.records()).isEmpty();
    }

    @Test
    void rejectsAnUnknownTopicAndRecordsThatAreNotAnArray() throws Exception {
        assertThat(errors("{\"topic\": \"fleet.registrations\", \"records\": {\"partition\": 0, \"offset\": 1}}"))
                .extracting(FieldError::field)
                .containsExactly("topic", "records");
        assertThat(errors("{\"topic\": \"fleet.registrations\", \"all\": true}")
                        .get(0)
                        .message())
                .contains("fleet.registrations.dlq")
                .contains("onboarding.status.dlq");
    }

    @Test
    void rejectsNegativeAndMissingOffsetsWithOneMessagePerField() throws Exception {
        assertThat(errors("""
                {"topic": "fleet.nodes.dlq", "records": [{"partition": 0, "offset": -1}, {"partition": -2, "offset": 3},
                 {"offset": 1.5}, "0:1"]}"""))
                .extracting(FieldError::field)
                .containsExactly(
                        "records[0].offset",
                        "records[1].partition",
                        "records[2].partition",
                        "records[2].offset",
                        "records[3]");
    }

    @Test
    void wantsEitherRecordsOrAllButNotBoth() throws Exception {
        assertThat(
                        errors(
                                "{\"topic\": \"fleet.nodes.dlq\", \"all\": true, \"records\": [{\"partition\": 0, \"offset\": 1}]}"))
                .extracting(FieldError::field)
                .containsExactly("all");
        assertThat(errors("{\"topic\": \"fleet.nodes.dlq\"}"))
                .extracting(FieldError::field)
                .containsExactly("records");
        assertThat(errors("{\"topic\": \"fleet.nodes.dlq\", \"records\": [], \"all\": false}"))
                .extracting(FieldError::field)
                .containsExactly("records");
        assertThat(errors("{\"topic\": \"fleet.nodes.dlq\", \"all\": \"yes\"}"))
                .extracting(FieldError::field)
                .containsExactly("all", "records");
    }

    @Test
    void takesAtMostAThousandRecords() throws Exception {
        StringBuilder records = new StringBuilder();
        for (int i = 0; i <= RedriveRequest.MAX_RECORDS; i++) {
            records.append(i == 0 ? "" : ",")
                    .append("{\"partition\": 0, \"offset\": ")
                    .append(i)
                    .append('}');
        }
        assertThat(errors("{\"topic\": \"fleet.nodes.dlq\", \"records\": [" + records + "]}"))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.field()).isEqualTo("records");
                    assertThat(e.message()).contains("at most 1000").contains("1001 given");
                });
    }

    @Test
    void rejectsABodyThatIsNotAnObject() throws Exception {
        assertThat(errors("[1, 2]")).extracting(FieldError::field).containsExactly("$");
    }

    private static java.util.List<FieldError> errors(String body) throws Exception {
        JsonNode json = json(body);
        return catchThrowableOfType(InvalidRequestException.class, () -> RedriveRequest.parse(json))
                .errors();
    }

    private static JsonNode json(String body) throws Exception {
        return JSON.readTree(body);
    }
}
