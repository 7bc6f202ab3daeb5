package dev.arcfleet.planner.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arcfleet.contracts.Capability;
import dev.arcfleet.contracts.ClusterRef;
import dev.arcfleet.contracts.DeviceClass;
import dev.arcfleet.contracts.EventTypes;
import dev.arcfleet.contracts.FactsSource;
import dev.arcfleet.contracts.HostFacts;
import dev.arcfleet.contracts.Mutability;
import dev.arcfleet.contracts.NodeFacts;
import dev.arcfleet.contracts.OsIdentity;
import dev.arcfleet.contracts.Route;
import dev.arcfleet.contracts.StatusEvent;
import dev.arcfleet.contracts.StatusType;
import dev.arcfleet.contracts.Topics;
import dev.arcfleet.contracts.Virtualization;
import dev.arcfleet.planner.PlannerKafkaTest;
import dev.arcfleet.testsupport.FleetInfraResource;
import dev.arcfleet.testsupport.PoisonRecords;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(
        value = FleetInfraResource.class,
        initArgs = @ResourceArg(name = "database", value = "planner_test"))
class PlanningFlowTest extends PlannerKafkaTest {
    @Inject
    DataSource dataSource;

    static NodeFacts talosInCluster(String nodeId, String cluster, List<Capability> capabilities, String hash) {
        return talosInCluster(nodeId, cluster, capabilities, hash, Map.of());
    }

    static NodeFacts talosInCluster(
            String nodeId, String cluster, List<Capability> capabilities, String hash, Map<String, String> labels) {
        return new NodeFacts(
                UUID.randomUUID().toString(),
                "corr-" + nodeId,
                Instant.now(),
                nodeId,
                nodeId,
                "ghent",
                DeviceClass.SERVER,
                Map.of("ID", "talos", "VERSION_ID", "v1.8.2"),
                "Talos (v1.8.2)",
                "6.6.58-talos",
                new HostFacts("amd64", 4, 8192L, true, false, "none"),
                new ClusterRef(cluster, "talos"),
                new Virtualization(false, false, false),
                capabilities,
                labels,
                FactsSource.REGISTRATION,
                Instant.now(),
                new OsIdentity("talos", "v1.8.2", Mutability.IMMUTABLE, List.of("os-release ID=talos")),
                hash);
    }

    static NodeFacts flatcarGateway(String nodeId, String cluster, String hash) {
        return new NodeFacts(
                UUID.randomUUID().toString(),
                "corr-" + nodeId,
                Instant.now(),
                nodeId,
                nodeId,
                "ghent",
                DeviceClass.EDGE_GATEWAY,
                Map.of("ID", "flatcar", "VERSION_ID", "4081.2.0"),
                "Flatcar Container Linux by Kinvolk 4081.2.0 (Oklo)",
                "6.6.60-flatcar",
                new HostFacts("amd64", 8, 16384L, true, false, "none"),
                new ClusterRef(cluster, "k3s"),
                new Virtualization(false, false, false),
                List.of(),
                Map.of(),
                FactsSource.REGISTRATION,
                Instant.now(),
                new OsIdentity("flatcar", "4081.2.0", Mutability.IMMUTABLE, List.of("os-release ID=flatcar")),
                hash);
    }

    @Test
    void routesTalosNodesToOneArcK8sPlanPerClusterAndIgnoresReplays() throws Exception {
        String cluster = "ghent-" + UUID.randomUUID().toString().substring(0, 8);
        ConsumerTask<String, String> plans = kafka.consumeStrings().fromTopics(Topics.PLANS_ARC_K8S);
        ConsumerTask<String, String> status = kafka.consumeStrings().fromTopics(Topics.STATUS);
        List<NodeFacts> nodes = List.of(
                talosInCluster(cluster + "/cp-1", cluster, List.of(), "h1"),
                talosInCluster(cluster + "/worker-1", cluster, List.of(), "h2"),
                talosInCluster(cluster + "/worker-2", cluster, List.of(), "h3"));
        nodes.forEach(this::send);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(decisionsFor(status, cluster))
                    .hasSize(3)
                    .allSatisfy(e -> assertThat(e.decision().route()).isEqualTo(Route.ARC_K8S));
            assertThat(plansFor(plans, cluster)).hasSize(1);
        });
        JsonNode plan = JSON.readTree(plansFor(plans, cluster).get(0).value());
        assertThat(plan.get("target").get("id").asText()).isEqualTo(cluster);
        assertThat(decisionsFor(status, cluster))
                .extracting(e -> e.decision().planId())
                .containsOnly(plan.get("planId").asText());

        // A replay: the same facts again, as new events (a consumer-group reset): decided on already, nothing.
        nodes.forEach(n -> send(n.asEvent(UUID.randomUUID().toString(), Instant.now())));
        send(talosInCluster(cluster + "/worker-3", cluster, List.of(), "h4"));
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(decisionsFor(status, cluster)).hasSize(4));
        assertThat(plansFor(plans, cluster)).hasSize(1);
        assertThat(decisionsFor(status, cluster))
                .extracting(StatusEvent::nodeId)
                .doesNotHaveDuplicates();

        // One more capability for the cluster: a new revision of the same plan.
        send(talosInCluster(cluster + "/worker-1", cluster, List.of(Capability.DEFENDER), "h2-defender"));
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(plansFor(plans, cluster)).hasSize(2));
        List<JsonNode> revisions =
                plansFor(plans, cluster).stream().map(r -> read(r.value())).toList();
        assertThat(revisions.get(1).get("planId").asText())
                .isEqualTo(revisions.get(0).get("planId").asText());
        assertThat(revisions.get(1).get("revision").asText())
                .isNotEqualTo(revisions.get(0).get("revision").asText());
        assertThat(revisions.get(1).get("capabilities").toString()).contains("DEFENDER");
        plans.close();
        status.close();
    }

    @Test
    void publishesTheIotOperationsPlanOnlyAfterTheClustersArcPlanSucceeded() throws Exception {
        String cluster = "linz-" + UUID.randomUUID().toString().substring(0, 8);
        ConsumerTask<String, String> arcPlans = kafka.consumeStrings().fromTopics(Topics.PLANS_ARC_K8S);
        ConsumerTask<String, String> iotPlans = kafka.consumeStrings().fromTopics(Topics.PLANS_IOT_OPERATIONS);
        ConsumerTask<String, String> status = kafka.consumeStrings().fromTopics(Topics.STATUS);

        send(flatcarGateway(cluster + "/gw-1", cluster, "g1"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(plansFor(arcPlans, cluster)).hasSize(1);
            assertThat(decisionsFor(status, cluster))
                    .singleElement()
                    .satisfies(e -> assertThat(e.decision().route()).isEqualTo(Route.IOT_OPERATIONS));
        });
        StatusEvent decided = decisionsFor(status, cluster).get(0);
        String arcPlanId =
                read(plansFor(arcPlans, cluster).get(0).value()).get("planId").asText();
        assertThat(decided.decision().dependsOn()).containsExactly(arcPlanId);
        String arcRevision =
                read(plansFor(arcPlans, cluster).get(0).value()).get("revision").asText();
        // a SUCCEEDED of another revision of the Arc plan (one a newer revision replaced) releases nothing
        sendStatus(
                arcOutcome(arcPlanId, cluster, StatusType.SUCCEEDED, 5, "all steps succeeded", arcRevision + "-older"));
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(4))
                .untilAsserted(() -> assertThat(plansFor(iotPlans, cluster)).isEmpty());

        sendStatus(arcOutcome(arcPlanId, cluster, StatusType.SUCCEEDED, 7, "all steps succeeded", arcRevision));
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(plansFor(iotPlans, cluster))
                        .singleElement()
                        .satisfies(
                                r -> assertThat(read(r.value()).get("dependsOn").toString())
                                        .contains(arcPlanId)));
        arcPlans.close();
        iotPlans.close();
        status.close();
    }

    /** Unknown event types or versions and unreadable status events are dead-lettered with the reason, not dropped. */
    @Test
    void deadLettersUnknownEventTypesOnFleetNodesAndPoisonOnOnboardingStatus() throws Exception {
        String key = "poison-" + UUID.randomUUID().toString().substring(0, 8);
        ConsumerTask<String, String> nodesDlq = kafka.consumeStrings().fromTopics(Topics.deadLetter(Topics.NODES));
        ConsumerTask<String, String> statusDlq = kafka.consumeStrings().fromTopics(Topics.deadLetter(Topics.STATUS));
        kafka.produceStrings()
                .fromRecords(
                        PoisonRecords.of(Topics.NODES, key, "dev.arcfleet.node.facts.v9", "{}"),
                        PoisonRecords.of(Topics.STATUS, key, EventTypes.STATUS, "[1, 2"),
                        PoisonRecords.of(Topics.STATUS, key, "dev.arcfleet.onboarding.status.v9", "{}"),
                        PoisonRecords.of(Topics.STATUS, key, EventTypes.STATUS, "{\"eventId\": \"x\"}"))
                .awaitCompletion();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(reasons(nodesDlq, key)).singleElement().asString().contains("v9");
            assertThat(reasons(statusDlq, key))
                    .hasSize(3)
                    .anySatisfy(r -> assertThat(r).contains("v9"))
                    .allSatisfy(r -> assertThat(r).isNotBlank());
        });
        nodesDlq.close();
        statusDlq.close();
    }

    /**
     * A node's decision is the inventory's to apply and to vet: the planner reads past it by its {@code nodeId}
     * without binding the rest. Here the decision is unreadable; the planner dead-letters only the record after it,
     * which has no node (same key, so the same partition, read in order).
     */
    @Test
    void readsPastANodesDecisionWithoutBindingItAndStillDeadLettersWhatFollows() throws Exception {
        String key = "node-" + UUID.randomUUID().toString().substring(0, 8);
        ConsumerTask<String, String> statusDlq = kafka.consumeStrings().fromTopics(Topics.deadLetter(Topics.STATUS));
        String nodeDecision = "{\"eventId\": \"" + UUID.randomUUID() + "\", \"type\": \"PLANNED\", \"nodeId\": \"" + key
                + "\", \"decision\": 5}";
        String noType = "{\"eventId\": \"" + UUID.randomUUID() + "\"}";
        kafka.produceStrings()
                .fromRecords(
                        PoisonRecords.of(Topics.STATUS, key, EventTypes.STATUS, nodeDecision),
                        PoisonRecords.of(Topics.STATUS, key, EventTypes.STATUS, noType))
                .awaitCompletion();

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(reasons(statusDlq, key)).isNotEmpty());
        assertThat(statusDlq.getRecords())
                .filteredOn(r -> key.equals(r.key()))
                .extracting(ConsumerRecord::value)
                .containsExactly(noType);
        statusDlq.close();
    }

    private static List<String> reasons(ConsumerTask<String, String> dlq, String key) {
        return dlq.getRecords().stream()
                .filter(r -> key.equals(r.key()))
                .map(r ->
                        new String(r.headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8))
                .toList();
    }

    @Test
    void deadLettersUnusableNodeEventsAndDecidesTheRestOfTheBatch() throws Exception {
        String cluster = "dlq-" + UUID.randomUUID().toString().substring(0, 8);
        ConsumerTask<String, String> dlq = kafka.consumeStrings().fromTopics(Topics.deadLetter(Topics.NODES));
        ConsumerTask<String, String> status = kafka.consumeStrings().fromTopics(Topics.STATUS);
        ProducerRecord<String, String> garbage = new ProducerRecord<>(Topics.NODES, cluster, "{not json");
        garbage.headers().add(EventTypes.CE_ID, UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
        garbage.headers().add(EventTypes.CE_TYPE, EventTypes.NODE_FACTS.getBytes(StandardCharsets.UTF_8));
        ProducerRecord<String, String> noOs = new ProducerRecord<>(
                Topics.NODES, cluster, "{\"nodeId\": \"" + cluster + "/x\", \"factsHash\": \"h\"}");
        noOs.headers().add(EventTypes.CE_ID, UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
        noOs.headers().add(EventTypes.CE_TYPE, EventTypes.NODE_FACTS.getBytes(StandardCharsets.UTF_8));
        kafka.produceStrings().fromRecords(garbage, noOs).awaitCompletion();
        send(talosInCluster(cluster + "/cp-1", cluster, List.of(), "d1"));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(dlq.getRecords())
                    .filteredOn(r -> cluster.equals(r.key()))
                    .hasSize(2)
                    .allSatisfy(r -> assertThat(new String(
                                    r.headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8))
                            .isNotBlank());
            assertThat(decisionsFor(status, cluster))
                    .singleElement()
                    .satisfies(e -> assertThat(e.decision().route()).isEqualTo(Route.ARC_K8S));
        });
        assertThat(dlq.getRecords())
                .filteredOn(r -> cluster.equals(r.key()))
                .extracting(ConsumerRecord::value)
                .containsExactlyInAnyOrder("{not json", noOs.value());
        dlq.close();
        status.close();
    }

    @Test
    void factsObservedAtTheSameInstantAreNotTakenForOlderOnesWhateverTheDatabaseRounds() {
        String cluster = "clock-" + UUID.randomUUID().toString().substring(0, 8);
        ConsumerTask<String, String> status = kafka.consumeStrings().fromTopics(Topics.STATUS);
        // 999 ns past a microsecond: PostgreSQL rounds it up when it stores the observation time.
        Instant observed = Instant.parse("2026-11-24T10:00:00.123456999Z");
        NodeFacts first =
                talosInCluster(cluster + "/n-1", cluster, List.of(), "c1").withObservedAt(observed);
        NodeFacts changed = talosInCluster(cluster + "/n-1", cluster, List.of(Capability.DEFENDER), "c2")
                .withObservedAt(observed);
        send(first);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(decisionsFor(status, cluster)).hasSize(1));
        send(changed);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(decisionsFor(status, cluster))
                        .hasSize(2)
                        .last()
                        .satisfies(e -> assertThat(e.decision().factsHash()).isEqualTo("c2")));
        status.close();
    }

    /**
     * V8: a decision row over 2 kB is stored as it came, not compressed (PostgreSQL would otherwise try to compress it
     * on every insert, and compresses a repetitive document like this one), and ANALYZE keeps no statistics of the JSON
     * columns while it still keeps the node id's.
     */
    @Test
    void aDecisionLongerThanTwoKilobytesIsStoredUncompressedAndItsJsonIsNotAnalyzed() throws Exception {
        String cluster = "wide-" + UUID.randomUUID().toString().substring(0, 8);
        String nodeId = cluster + "/n-1";
        Map<String, String> labels = new TreeMap<>();
        for (int i = 0; i < 40; i++) {
            labels.put("fleet.example.com/label-" + i, "the same value, over and over, for every label: " + i);
        }
        ConsumerTask<String, String> status = kafka.consumeStrings().fromTopics(Topics.STATUS);
        send(talosInCluster(nodeId, cluster, List.of(), "w1", labels));
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(decisionsFor(status, cluster)).hasSize(1));
        status.close();
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            try (PreparedStatement stored = c.prepareStatement("select octet_length(facts) + octet_length(decision),"
                    + " pg_column_size(facts), octet_length(facts) from node_decision where node_id = ?")) {
                stored.setString(1, nodeId);
                ResultSet r = stored.executeQuery();
                assertThat(r.next()).isTrue();
                assertThat(r.getInt(1)).isGreaterThan(2_100);
                assertThat(r.getInt(2)).as("stored size of the facts").isGreaterThanOrEqualTo(r.getInt(3));
            }
            s.execute("analyze node_decision");
            try (ResultSet r = s.executeQuery("select attname from pg_stats where tablename = 'node_decision'"
                    + " and schemaname = current_schema()")) {
                List<String> analyzed = new ArrayList<>();
                while (r.next()) {
                    analyzed.add(r.getString(1));
                }
                assertThat(analyzed).contains("node_id").doesNotContain("facts", "decision");
            }
        }
    }

    private List<StatusEvent> decisionsFor(ConsumerTask<String, String> task, String cluster) {
        // decisions are keyed by node id; other tests' records (poison among them) are not read
        return task.getRecords().stream()
                .filter(r -> r.key() != null && r.key().startsWith(cluster + "/"))
                .map(r -> readStatus(r.value()))
                .filter(e ->
                        e.decision() != null && e.nodeId() != null && e.nodeId().startsWith(cluster + "/"))
                .toList();
    }

    private static List<ConsumerRecord<String, String>> plansFor(ConsumerTask<String, String> task, String cluster) {
        return task.getRecords().stream().filter(r -> cluster.equals(r.key())).toList();
    }

    private void sendStatus(StatusEvent event) throws Exception {
        ProducerRecord<String, String> record =
                new ProducerRecord<>(Topics.STATUS, event.target().id(), JSON.writeValueAsString(event));
        record.headers().add(EventTypes.CE_ID, event.eventId().getBytes(StandardCharsets.UTF_8));
        record.headers().add(EventTypes.CE_TYPE, EventTypes.STATUS.getBytes(StandardCharsets.UTF_8));
        kafka.produceStrings().fromRecords(record).awaitCompletion();
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new AssertionError(json, e);
        }
    }

    private static StatusEvent readStatus(String json) {
        try {
            return JSON.readValue(json, StatusEvent.class);
        } catch (Exception e) {
            throw new AssertionError(json, e);
        }
    }
}
