package dev.arcfleet.inventory.nodes;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import dev.arcfleet.inventory.InventoryKafkaTest;
import dev.arcfleet.testsupport.FleetInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Stale nodes with a threshold of a few seconds and a flush interval far longer than the test: a registration of
 * unchanged facts writes no row (its time waits in memory), the stale listing and the stale retirement flush first, so
 * they see it, and exactly the listed nodes are retired. Its own database: the only nodes are this test's.
 */
@QuarkusTest
@TestProfile(StaleNodesTest.StaleAfterFiveSeconds.class)
@QuarkusTestResource(
        value = FleetInfraResource.class,
        initArgs = @ResourceArg(name = "database", value = "inventory_stale"))
class StaleNodesTest extends InventoryKafkaTest {
    static final Duration AFTER = Duration.ofSeconds(5);

    public static class StaleAfterFiveSeconds implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("inventory.stale.after", "5s", "inventory.last-seen.flush-interval", "1h");
        }
    }

    @Inject
    DataSource dataSource;

    @Inject
    LastSeen lastSeen;

    @Test
    void nodesNotSeenForLongerThanTheThresholdAreListedAndRetiredOnRequestOnly() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String quiet = "quiet-" + run;
        String chatty = "chatty-" + run;
        register(quiet, "ghent", TALOS, "c-" + run);
        register(chatty, "ghent", TALOS, null);
        Instant registered = Instant.now();
        Instant chattyFirstSeen = lastSeenAt(chatty);
        assertThat(chattyFirstSeen).isNotNull();
        given().get("/api/v1/nodes/stale")
                .then()
                .statusCode(200)
                .body("enabled", equalTo(true))
                .body("staleAfter", equalTo("PT5S"))
                .body("total", equalTo(0));

        await().atMost(Duration.ofSeconds(30))
                .until(() -> Instant.now().isAfter(registered.plus(AFTER).plusMillis(500)));
        // unchanged facts: no write of their own, the time waits for a flush
        register(chatty, "ghent", TALOS, null);
        assertThat(lastSeen.pending()).isGreaterThanOrEqualTo(1);
        assertThat(lastSeenAt(chatty)).isEqualTo(chattyFirstSeen);

        JsonPath stale = given().get("/api/v1/nodes/stale")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(stale.getBoolean("enabled")).isTrue();
        assertThat(stale.getLong("total")).isEqualTo(1);
        assertThat(stale.getList("items.nodeId", String.class)).containsExactly(quiet);
        assertThat(stale.getString("items[0].site")).isEqualTo("ghent");
        assertThat(stale.getString("items[0].clusterId")).isEqualTo("c-" + run);
        assertThat(stale.getString("items[0].state")).isEqualTo("PENDING");
        assertThat(Instant.parse(stale.getString("items[0].lastSeenAt"))).isBefore(registered);
        assertThat(Instant.parse(stale.getString("seenBefore"))).isAfter(registered);
        // the listing flushed the time waiting in memory
        assertThat(lastSeenAt(chatty)).isAfter(chattyFirstSeen);
        given().get("/api/v1/nodes/stale?page=1&size=1")
                .then()
                .statusCode(200)
                .body("total", equalTo(1))
                .body("items.size()", equalTo(0));
        given().get("/api/v1/nodes/stale?size=0").then().statusCode(400);
        given().get("/api/v1/nodes/" + quiet).then().statusCode(200).body("retired", equalTo(false));

        // seen again just before: the retirement flushes first, so only the listed node goes
        register(chatty, "ghent", TALOS, null);
        given().contentType("application/json")
                .body("{\"stale\": true}")
                .post("/api/v1/nodes/retire")
                .then()
                .statusCode(200)
                .body("retired", equalTo(1))
                .body("nodeIds", equalTo(List.of(quiet)));
        given().get("/api/v1/nodes/" + quiet).then().statusCode(200).body("retired", equalTo(true));
        given().get("/api/v1/nodes/" + chatty).then().statusCode(200).body("retired", equalTo(false));
        given().get("/api/v1/nodes/stale").then().statusCode(200).body("total", equalTo(0));
        // the stale selector with another field: both must match
        given().contentType("application/json")
                .body("{\"stale\": true, \"site\": \"elsewhere\"}")
                .post("/api/v1/nodes/retire")
                .then()
                .statusCode(200)
                .body("retired", equalTo(0));

        // registered again, a retired node is seen again and is no longer stale
        register(quiet, "ghent", TALOS, "c-" + run);
        assertThat(lastSeenAt(quiet)).isAfter(registered.plus(AFTER));
    }

    @Test
    void aFlushKeepsTheLaterTimeAndIgnoresUnknownNodes() throws Exception {
        String node = "flush-" + UUID.randomUUID().toString().substring(0, 8);
        register(node, "ghent", TALOS, null);
        Instant stored = lastSeenAt(node);
        lastSeen.seen(node, stored.minusSeconds(60));
        lastSeen.seen("unknown-" + node, Instant.now());
        assertThat(lastSeen.flush()).isGreaterThanOrEqualTo(2);
        assertThat(lastSeenAt(node)).isEqualTo(stored);
        lastSeen.seen(node, stored.plusSeconds(1));
        lastSeen.seen(node, stored.plusSeconds(2));
        lastSeen.seen(node, stored.minusSeconds(5));
        lastSeen.flush();
        assertThat(lastSeenAt(node)).isEqualTo(stored.plusSeconds(2));
        assertThat(lastSeen.flush()).isZero();
        // retired, so the other test's stale listing holds its own nodes only
        given().post("/api/v1/nodes/" + node + "/retire").then().statusCode(200).body("retired", equalTo(1));
    }

    private Instant lastSeenAt(String nodeId) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(
                        // when it was last seen: its last write's time or its last heartbeat's, the later
                        "select greatest(n.last_seen_at, h.seen_at) from node n"
                                + " left join node_heartbeat h on h.node_id = n.node_id where n.node_id = ?")) {
            s.setString(1, nodeId);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? r.getTimestamp(1).toInstant() : null;
            }
        }
    }
}
