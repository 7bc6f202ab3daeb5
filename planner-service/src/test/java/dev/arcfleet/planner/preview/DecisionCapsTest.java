package dev.arcfleet.planner.preview;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasSize;

import dev.arcfleet.contracts.EventTypes;
import dev.arcfleet.contracts.NodeFacts;
import dev.arcfleet.contracts.Topics;
import dev.arcfleet.planner.FlowPolicy;
import dev.arcfleet.planner.decide.Facts;
import dev.arcfleet.planner.plan.NodeDecisionEntity;
import dev.arcfleet.testsupport.ServiceKafkaTest;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * What one preview or what-if call may make the planner decide is capped (planner.decisions.*): beyond the cap the
 * call is refused with 413 and a message naming the cap, before any node is decided.
 */
@QuarkusTest
@TestProfile(FlowPolicy.class)
class DecisionCapsTest {
    @Test
    void aPreviewBeyondItsCapIsRefusedWith413() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> items = List.of(1, 2, 3, 4).stream()
                .map(i -> json(Facts.ubuntu().id(run + "-db-" + i).build()))
                .toList();
        given().contentType(ContentType.JSON)
                .body("[" + String.join(",", items.subList(0, 3)) + "]")
                .when()
                .post("/api/v1/decisions/preview")
                .then()
                .statusCode(200)
                .body("$", hasSize(3));
        given().contentType(ContentType.JSON)
                .body("[" + String.join(",", items) + "]")
                .when()
                .post("/api/v1/decisions/preview")
                .then()
                .statusCode(413)
                .body("message", containsString("at most 3"))
                .body("message", containsString("planner.decisions.preview-max-items"));
    }

    @Test
    void aWhatIfOverAFleetLargerThanItsCapIsRefusedWith413() {
        String site = "caps-" + UUID.randomUUID().toString().substring(0, 8);
        try (KafkaCompanion kafka = ServiceKafkaTest.companion()) {
            for (int i = 1; i <= 3; i++) {
                NodeFacts facts =
                        Facts.ubuntu().id(site + "-db-" + i).site(site).build();
                ProducerRecord<String, String> record = new ProducerRecord<>(Topics.NODES, facts.nodeId(), json(facts));
                record.headers()
                        .add(EventTypes.CE_ID, UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
                record.headers().add(EventTypes.CE_TYPE, EventTypes.NODE_FACTS.getBytes(StandardCharsets.UTF_8));
                kafka.produceStrings().fromRecords(record).awaitCompletion();
            }
        }
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(QuarkusTransaction.requiringNew()
                                .call(() -> NodeDecisionEntity.count("nodeId like ?1", site + "%")))
                        .isEqualTo(3));
        given().contentType(ContentType.JSON)
                .body("{\"version\": \"caps\"}")
                .when()
                .post("/api/v1/decisions/what-if")
                .then()
                .statusCode(413)
                .body("message", containsString("at most 2"))
                .body("message", containsString("planner.decisions.what-if-max-nodes"));
    }

    private static String json(Object value) {
        try {
            return DecisionResourceTest.JSON.writeValueAsString(value);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
