package dev.arcfleet.inventory.security;

import static dev.arcfleet.inventory.security.AuthTest.ADMIN_TOKEN;
import static dev.arcfleet.inventory.security.AuthTest.as;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import dev.arcfleet.contracts.Topics;
import dev.arcfleet.inventory.nodes.KnownFacts;
import dev.arcfleet.inventory.nodes.LastSeen;
import dev.arcfleet.testsupport.ServiceKafkaTest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * Issue 19, "a registrar token acts outside its site": a node belongs to the site that first registered it and a
 * cluster to the site it was registered under. A registrar token touches only its own site's nodes and clusters (403
 * otherwise), a Kafka registration may not take another site's node or cluster either (dead-lettered with the reason),
 * and moving a node to another site is an operator's act, recorded with the operator's token identity.
 */
@QuarkusTest
@TestProfile(AuthTest.AuthOn.class)
class OwnershipTest {
    @Inject
    DataSource dataSource;

    @Inject
    KnownFacts knownFacts;

    @Inject
    LastSeen lastSeen;

    static String registration(String deviceId, String site, String hostname, String cluster, String capabilities) {
        return "{\"deviceId\": \"" + deviceId + "\", \"site\": \"" + site + "\", \"hostname\": \"" + hostname + "\","
                + " \"osImage\": \"Talos (v1.8.2)\""
                + (cluster == null ? "" : ", \"cluster\": {\"id\": \"" + cluster + "\", \"distribution\": \"k3s\"}")
                + (capabilities == null ? "" : ", \"requiredCapabilities\": [" + capabilities + "]") + "}";
    }

    static String token(String name, String role, String site) {
        return as(ADMIN_TOKEN)
                .body("{\"name\": \"" + name + "\", \"role\": \"" + role + "\""
                        + (site == null ? "" : ", \"site\": \"" + site + "\"") + "}")
                .post("/api/v1/tokens")
                .then()
                .statusCode(201)
                .extract()
                .path("token");
    }

    @Test
    void aRegistrarTouchesOnlyItsOwnSitesNodesAndClusters() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String ghent = token("ghent devices " + run, "registrar", "ghent");
        String lab = token("lab devices " + run, "registrar", "lab");
        String cluster = "ghent-line3-" + run;
        String worker = cluster + "/worker-1";

        as(ghent)
                .body(registration(worker, "ghent", "worker-1", cluster, "\"POLICY\""))
                .post("/api/v1/registrations")
                .then()
                .statusCode(200)
                .body("accepted", equalTo(1));

        // the lab token names Ghent's node: refused, the node keeps its facts and site
        as(lab).body(registration(worker, "lab", "taken-over", null, null))
                .post("/api/v1/registrations")
                .then()
                .statusCode(403)
                .body("message", containsString("site ghent"))
                .body("items[0].errors.field", hasItem("deviceId"));
        given().get("/api/v1/nodes/" + worker)
                .then()
                .statusCode(200)
                .body("site", equalTo("ghent"))
                .body("hostname", equalTo("worker-1"));

        // the lab token names Ghent's cluster for a node of its own, asking for more capabilities: refused
        String intruder = "lab-" + run + "-edge";
        as(lab).body(registration(intruder, "lab", "edge", cluster, "\"EDGE_DATA\", \"GITOPS\""))
                .post("/api/v1/registrations")
                .then()
                .statusCode(403)
                .body("message", containsString("cluster " + cluster))
                .body("items[0].errors.field", hasItem("cluster.id"));
        given().get("/api/v1/nodes/" + intruder).then().statusCode(404);

        // in a bulk, the foreign item is rejected and the own one stored
        String own = "lab-" + run + "-own";
        as(lab).body("[" + registration(own, "lab", "own", "lab-" + run, null) + ", "
                        + registration(worker, "lab", "again", null, null) + "]")
                .post("/api/v1/registrations")
                .then()
                .statusCode(200)
                .body("accepted", equalTo(1))
                .body("rejected", equalTo(1))
                .body("items[1].status", equalTo("REJECTED"))
                .body("items[1].errors[0].message", containsString("site ghent"));
        given().get("/api/v1/nodes/" + own).then().statusCode(200).body("site", equalTo("lab"));

        // its own site's node and cluster stay open to the ghent token
        as(ghent)
                .body(registration(worker, "ghent", "worker-1b", cluster, "\"POLICY\""))
                .post("/api/v1/registrations")
                .then()
                .statusCode(200)
                .body("accepted", equalTo(1));
        given().get("/api/v1/nodes/" + worker).then().body("hostname", equalTo("worker-1b"));
    }

    @Test
    void movingANodeToAnotherSiteIsAnOperatorsActAndRecorded() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String ghent = token("ghent devices " + run, "registrar", "ghent");
        String lab = token("lab devices " + run, "registrar", "lab");
        String operatorName = "on call " + run;
        String operator = token(operatorName, "operator", null);
        String node = "mover-" + run;
        as(ghent)
                .body(registration(node, "ghent", "m1", null, null))
                .post("/api/v1/registrations")
                .then()
                .statusCode(200);

        // a body cannot say who moved it: the token does
        String moved = registration(node, "lab", "m1", null, null).replace("}", ", \"changedBy\": \"mallory\"}");
        as(operator)
                .body(moved)
                .post("/api/v1/registrations")
                .then()
                .statusCode(200)
                .body("accepted", equalTo(1));
        given().get("/api/v1/nodes/" + node).then().body("site", equalTo("lab"));
        assertThat(siteChanges(node)).containsExactly("ghent -> lab by " + operatorName + " (REGISTRATION)");

        // the node is the lab's now
        as(ghent)
                .body(registration(node, "ghent", "m2", null, null))
                .post("/api/v1/registrations")
                .then()
                .statusCode(403);
        as(lab).body(registration(node, "lab", "m2", null, null))
                .post("/api/v1/registrations")
                .then()
                .statusCode(200);

        // an import is an operator's act too, recorded the same way
        JsonPath imported = as(operator)
                .contentType("application/x-ndjson")
                .body(registration(node, "ghent", "m3", null, null).getBytes(StandardCharsets.UTF_8))
                .post("/api/v1/imports")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(imported.getLong("accepted")).isEqualTo(1);
        assertThat(siteChanges(node))
                .containsExactly(
                        "ghent -> lab by " + operatorName + " (REGISTRATION)",
                        "lab -> ghent by " + operatorName + " (IMPORT)");
    }

    /** Kafka registrations carry no identity (the broker's ACL decides who may write): they may not take what is owned. */
    @Test
    void oneBatchResolvesEachClustersOwnerWhetherOwnedForeignOrNew() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String ghent = token("ghent batch " + run, "registrar", "ghent");
        String lab = token("lab batch " + run, "registrar", "lab");
        // a token of its own for the lab's first node: the batch below takes all of a registrar's burst of 4
        String labFirst = token("lab first " + run, "registrar", "lab");
        String ghentCluster = "ghent-b-" + run;
        String labCluster = "lab-b-" + run;
        String newCluster = "lab-new-" + run;
        as(ghent)
                .body(registration(ghentCluster + "/w1", "ghent", "w1", ghentCluster, null))
                .post("/api/v1/registrations")
                .then()
                .statusCode(200);
        as(labFirst)
                .body(registration(labCluster + "/w1", "lab", "w1", labCluster, null))
                .post("/api/v1/registrations")
                .then()
                .statusCode(200);

        // one batch: Ghent's cluster (refused), the lab's own cluster,
        // and a cluster nobody owned (claimed by its first node, then open to the second)
        as(lab).body("[" + registration("lab-" + run + "-a", "lab", "a", ghentCluster, null) + ", "
                        + registration("lab-" + run + "-b", "lab", "b", labCluster, null) + ", "
                        + registration("lab-" + run + "-c", "lab", "c", newCluster, null) + ", "
                        + registration("lab-" + run + "-d", "lab", "d", newCluster, null) + "]")
                .post("/api/v1/registrations")
                .then()
                .statusCode(200)
                .body("accepted", equalTo(3))
                .body("rejected", equalTo(1))
                .body("items.status", contains("REJECTED", "ACCEPTED", "ACCEPTED", "ACCEPTED"))
                .body("items[0].errors[0].message", containsString("belongs to site ghent"));
        given().get("/api/v1/nodes/lab-" + run + "-b").then().statusCode(200).body("cluster.id", equalTo(labCluster));

        // the new cluster is the lab's now: Ghent cannot join it
        as(ghent)
                .body(registration("ghent-" + run + "-x", "ghent", "x", newCluster, null))
                .post("/api/v1/registrations")
                .then()
                .statusCode(403)
                .body("message", containsString("cluster " + newCluster + " belongs to site lab"));
    }

    @Test
    void aClusterAnOperatorRegisteredForASiteBelongsToThatSiteWhoeverClaimedItFirst() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String lab = token("lab claim " + run, "registrar", "lab");
        String cluster = "claimed-" + run;
        as(lab).body(registration(cluster + "/w1", "lab", "w1", cluster, null))
                .post("/api/v1/registrations")
                .then()
                .statusCode(200)
                .body("accepted", equalTo(1));
        // an operator registers the cluster for discovery under Ghent: its site outranks the lab's claim
        as(ADMIN_TOKEN)
                .body("{\"id\": \"" + cluster + "\", \"site\": \"ghent\", \"access\": {\"mode\": \"IN_CLUSTER\"}}")
                .post("/api/v1/clusters")
                .then()
                .statusCode(201);
        try {
            as(lab).body("[" + registration(cluster + "/w2", "lab", "w2", cluster, null) + "]")
                    .post("/api/v1/registrations")
                    .then()
                    .statusCode(403)
                    .body("message", containsString("cluster " + cluster + " belongs to site ghent"));
        } finally {
            as(ADMIN_TOKEN).delete("/api/v1/clusters/" + cluster).then().statusCode(204);
        }
    }

    @Test
    void aKafkaRegistrationCannotTakeAnotherSitesNodeOrCluster() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String ghent = token("ghent devices " + run, "registrar", "ghent");
        String cluster = "ghent-k-" + run;
        String worker = cluster + "/worker-1";
        as(ghent)
                .body(registration(worker, "ghent", "w1", cluster, null))
                .post("/api/v1/registrations")
                .then()
                .statusCode(200);

        String takeover = "takeover-" + run;
        String joiner = "joiner-" + run;
        String good = "good-" + run;
        try (KafkaCompanion kafka = ServiceKafkaTest.companion()) {
            ConsumerTask<String, String> dlq =
                    kafka.consumeStrings().fromTopics(Topics.deadLetter(Topics.REGISTRATIONS));
            List<ProducerRecord<String, String>> records = new ArrayList<>();
            records.add(
                    new ProducerRecord<>(Topics.REGISTRATIONS, takeover, registration(worker, "lab", "x", null, null)));
            records.add(new ProducerRecord<>(
                    Topics.REGISTRATIONS, joiner, registration("lab-" + run, "lab", "j", cluster, "\"EDGE_DATA\"")));
            records.add(new ProducerRecord<>(
                    Topics.REGISTRATIONS, good, registration(good, "lab", "g", "lab-" + run, null)));
            kafka.produceStrings().fromRecords(records).awaitCompletion();

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                given().get("/api/v1/nodes/" + good).then().statusCode(200);
                assertThat(dlq.getRecords())
                        .filteredOn(r -> takeover.equals(r.key()))
                        .singleElement()
                        .satisfies(r ->
                                assertThat(reason(r)).contains("site ghent").contains("operator"));
                assertThat(dlq.getRecords())
                        .filteredOn(r -> joiner.equals(r.key()))
                        .singleElement()
                        .satisfies(r -> assertThat(reason(r))
                                .contains("cluster " + cluster)
                                .contains("site ghent"));
            });
            dlq.close();
        }
        given().get("/api/v1/nodes/" + worker)
                .then()
                .body("site", equalTo("ghent"))
                .body("hostname", equalTo("w1"));
        given().get("/api/v1/nodes/lab-" + run).then().statusCode(404);
    }

    /**
     * A node an operator placed in another site's cluster sends its own registration again, unchanged: a heartbeat. It
     * takes nothing the node does not hold, so it is accepted whether or not the view of known facts holds the node
     * (the full path after a restart answers as the view's shortcut does), while a change of the node is still asked
     * whose cluster it names.
     */
    @Test
    void anOperatorsPlacementStandsForTheNodesOwnHeartbeats() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String ghent = token("ghent placed " + run, "registrar", "ghent");
        String lab = token("lab placed " + run, "registrar", "lab");
        String operator = token("placer " + run, "operator", null);
        String cluster = "ghent-p-" + run;
        as(ghent)
                .body(registration(cluster + "/w1", "ghent", "w1", cluster, null))
                .post("/api/v1/registrations")
                .then()
                .statusCode(200);
        String placed = "lab-placed-" + run;
        String facts = registration(placed, "lab", "p1", cluster, null);
        as(operator)
                .body(facts)
                .post("/api/v1/registrations")
                .then()
                .statusCode(200)
                .body("accepted", equalTo(1));

        // over Kafka, with the view as a restart leaves it (empty): the full path, not the shortcut
        knownFacts.clear();
        try (KafkaCompanion kafka = ServiceKafkaTest.companion()) {
            ConsumerTask<String, String> dlq =
                    kafka.consumeStrings().fromTopics(Topics.deadLetter(Topics.REGISTRATIONS));
            kafka.produceStrings()
                    .fromRecords(new ProducerRecord<>(Topics.REGISTRATIONS, placed, facts))
                    .awaitCompletion();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                lastSeen.flush();
                assertThat(heartbeatSeen(placed))
                        .as("the heartbeat's last-seen time")
                        .isTrue();
            });
            assertThat(dlq.getRecords()).noneMatch(r -> placed.equals(r.key()));
            dlq.close();
        }

        // over REST with the lab's token: the same answer
        as(lab).body(facts)
                .post("/api/v1/registrations")
                .then()
                .statusCode(200)
                .body("items[0].status", equalTo("UNCHANGED"));
        // a change is asked whose cluster it names: the token may not make it
        as(lab).body(registration(placed, "lab", "p2", cluster, null))
                .post("/api/v1/registrations")
                .then()
                .statusCode(403)
                .body("message", containsString("cluster " + cluster + " belongs to site ghent"));
        given().get("/api/v1/nodes/" + placed).then().body("hostname", equalTo("p1"));
        // and the token's site is asked of a heartbeat too: the lab's token cannot speak for Ghent's node
        as(lab).body(registration(cluster + "/w1", "ghent", "w1", cluster, null))
                .post("/api/v1/registrations")
                .then()
                .statusCode(400)
                .body("items[0].errors.field", hasItem("site"));
    }

    private boolean heartbeatSeen(String node) throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("select 1 from node_heartbeat where node_id = ?")) {
            s.setString(1, node);
            try (ResultSet r = s.executeQuery()) {
                return r.next();
            }
        }
    }

    private List<String> siteChanges(String node) throws Exception {
        List<String> changes = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "select old_site, new_site, changed_by, source from node_site_change where node_id = ? order by id")) {
            s.setString(1, node);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    changes.add(r.getString(1) + " -> " + r.getString(2) + " by " + r.getString(3) + " ("
                            + r.getString(4) + ")");
                }
            }
        }
        return changes;
    }

    private static String reason(org.apache.kafka.clients.consumer.ConsumerRecord<String, String> r) {
        var h = r.headers().lastHeader("dead-letter-reason");
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
