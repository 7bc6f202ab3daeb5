package dev.arcfleet.support.inbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonReaderTest {
    private final JsonReader json = new JsonReader(new ObjectMapper());

    private static IncomingEvent event(String payload) {
        return new IncomingEvent("onboarding.status", "k", "e-1", "t", null, payload);
    }

    @Test
    void peekFindsATopLevelStringPastNestedValuesAndStopsThere() {
        // the decision before the field is skipped whole; what follows the field is never read (here: not JSON)
        String payload = "{\"eventId\":\"e-1\",\"decision\":{\"nodeId\":\"inner\",\"reasons\":[{\"nodeId\":\"x\"}]},"
                + "\"nodeId\":\"site-a/n-1\", this is not JSON";

        assertThat(json.peekText(event(payload), "nodeId")).isEqualTo("site-a/n-1");
    }

    @Test
    void peekIsNullWhenTheFieldIsAbsentNullOrNotAString() {
        assertThat(json.peekText(event("{\"eventId\":\"e-1\",\"decision\":{\"nodeId\":\"inner\"}}"), "nodeId"))
                .isNull();
        assertThat(json.peekText(event("{\"nodeId\":null,\"planId\":\"p\"}"), "nodeId"))
                .isNull();
        assertThat(json.peekText(event("{\"nodeId\":{\"id\":\"n\"}}"), "nodeId"))
                .isNull();
        assertThat(json.peekText(event("{\"nodeId\":7}"), "nodeId")).isNull();
    }

    @Test
    void peekLeavesWhatIsNotAnObjectOrBreaksOffToReadWhichRefusesItWithAReason() {
        for (String payload : new String[] {"[1, 2", "\"nodeId\"", "{\"eventId\": \"x\", \"node", "null", "{]"}) {
            assertThat(json.peekText(event(payload), "nodeId")).as(payload).isNull();
            assertThatThrownBy(() -> json.read(event(payload), Map.class))
                    .as(payload)
                    .isInstanceOf(PoisonRecordException.class)
                    .hasMessageContaining("e-1");
        }
    }
}
