package dev.arcfleet.executor;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arcfleet.contracts.Capability;
import dev.arcfleet.contracts.EventTypes;
import dev.arcfleet.contracts.OnboardingPlan;
import dev.arcfleet.contracts.Route;
import dev.arcfleet.contracts.StatusEvent;
import dev.arcfleet.contracts.StatusType;
import dev.arcfleet.contracts.Target;
import dev.arcfleet.contracts.TargetKind;
import dev.arcfleet.contracts.Topics;
import dev.arcfleet.testsupport.FleetInfraResource;
import dev.arcfleet.testsupport.PlanRecords;
import dev.arcfleet.testsupport.PoisonRecords;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

@QuarkusTest
@QuarkusTestResource(value = FleetInfraResource.class, initArgs = @ResourceArg(name = "database", value = "executor_test"))
class DryRunExecutionTest {
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Inject
    ObjectMapper mapper;

    KafkaCompanion kafka;

    @BeforeEach
    void connect() {
        kafka = new KafkaCompanion(bootstrap);
    }

    @AfterEach
    void close() {
        kafka.close();
    }

    @Test
    void arcK8sPlanRunsEveryStepInDryRunAndReportsSucceeded() throws Exception {
        String cluster = "ghent-line3-" + UUID.randomUUID().toString().substring(0, 8);
        OnboardingPlan plan = plan(Route.ARC_K8S, new Target(TargetKind.CLUSTER, cluster),
                List.of(Capability.POLICY, Capability.MONITOR, Capability.GITOPS));
        ConsumerTask<String, String> status = kafka.consumeStrings().fromTopics(Topics.STATUS);

        send(Topics.PLANS_ARC_K8S, plan);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> RestAssured.get("/api/v1/executions/" + plan.planId())
                .then().statusCode(200).body("state", equalTo("SUCCEEDED")));
        var view = RestAssured.get("/api/v1/executions/" + plan.planId()).then().extract().jsonPath();
        assertThat(view.getList("steps.name", String.class)).containsExactly("ensure-namespaces",
                "ensure-agent-key-secret", "ensure-resource-group", "put-connected-cluster", "install-arc-agents",
                "await-agents-installed", "revoke-installer-rights", "await-connected", "extension-azurepolicy",
                "ensure-log-analytics-workspace", "monitor-data-collection-rule", "monitor-data-collection-rule-association",
                "extension-azuremonitor-containers", "extension-flux");
        assertThat(view.getString("steps[3].record.arm[0].resourceId"))
                .isEqualTo("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/arc-fleet/providers/"
                        + "Microsoft.Kubernetes/connectedClusters/" + cluster);
        assertThat(view.getString("steps[3].record.arm[0].apiVersion")).isEqualTo("2026-03-01");
        assertThat(view.getString("steps[1].record.kubernetes[0].metadata.name")).isEqualTo("azure-arc-connect-privatekey");
        assertThat(view.getString("steps[1].record.kubernetes[0].stringData.privateKey")).isEqualTo("<redacted>");
        assertThat(view.getString("steps[1].record.kubernetesActions[0]")).isEqualTo("CREATE_ONLY");
        assertThat(view.getString("steps[1].record.unlessConnected.configMap")).isEqualTo("azure-arc/azure-clusterconfig");
        assertThat(view.getString("steps[6].record.kubernetesActions[0]")).isEqualTo("DELETE");

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(statusTypes(status, plan.planId()))
                .startsWith(StatusType.STARTED).endsWith(StatusType.SUCCEEDED)
                .filteredOn(t -> t == StatusType.STEP_SUCCEEDED).hasSize(14));
        status.close();
    }

    @Test
    void aPlanDeliveredTwiceExecutesOnce() throws Exception {
        String node = "lyon/talos-worker-" + UUID.randomUUID().toString().substring(0, 8);
        OnboardingPlan plan = plan(Route.COMPANION_VM, new Target(TargetKind.NODE, node), List.of(Capability.EXTENSIONS));
        ConsumerTask<String, String> status = kafka.consumeStrings().fromTopics(Topics.STATUS);

        send(Topics.PLANS_COMPANION_VM, plan);
        send(Topics.PLANS_COMPANION_VM, plan);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(statusTypes(status, plan.planId()))
                .contains(StatusType.SUCCEEDED));
        var view = RestAssured.get("/api/v1/executions/" + plan.planId()).then().statusCode(200).extract().jsonPath();
        assertThat(view.getList("revisions")).hasSize(1);
        assertThat(view.getString("steps.find { it.name == 'apply-companion-vm' }.record.kubernetes[0].spec.runStrategy"))
                .isEqualTo("Always");
        assertThat(statusTypes(status, plan.planId())).filteredOn(t -> t == StatusType.STARTED).hasSize(1);
        status.close();
    }

    @Test
    void unknownPlanIdAnswers404() {
        RestAssured.get("/api/v1/executions/no-such-plan").then().statusCode(404);
    }

    /**
     * On each plan topic: bad JSON, an unknown event type or version, a plan missing its fields, and a plan for another
     * route. Each lands on the topic's dead-letter topic with the reason in its headers, and a good plan sent after
     * them still runs: consumption goes on.
     */
    @Test
    void poisonRecordsOnEveryPlanTopicAreDeadLetteredWithTheirReasonAndConsumptionGoesOn() throws Exception {
        Map<String, Route> topics = Map.of(Topics.PLANS_ARC_K8S, Route.ARC_K8S, Topics.PLANS_COMPANION_VM, Route.COMPANION_VM,
                Topics.PLANS_IOT_OPERATIONS, Route.IOT_OPERATIONS);
        for (Map.Entry<String, Route> topic : topics.entrySet()) {
            String key = "poison-" + UUID.randomUUID().toString().substring(0, 8);
            ConsumerTask<String, String> dlq = kafka.consumeStrings().fromTopics(Topics.deadLetter(topic.getKey()));
            Route other = topic.getValue() == Route.ARC_K8S ? Route.COMPANION_VM : Route.ARC_K8S;
            OnboardingPlan misrouted = plan(other, new Target(TargetKind.CLUSTER, key), List.of(Capability.POLICY));
            kafka.produceStrings().fromRecords(
                    PoisonRecords.of(topic.getKey(), key, EventTypes.PLAN_CREATED, "{not json"),
                    PoisonRecords.of(topic.getKey(), key, "dev.arcfleet.plan.created.v9", "{}"),
                    PoisonRecords.of(topic.getKey(), key, EventTypes.PLAN_CREATED, "{\"planId\": null, \"route\": \"" + topic.getValue() + "\"}"),
                    keyed(PlanRecords.of(topic.getKey(), misrouted, mapper.writeValueAsString(misrouted)), key))
                    .awaitCompletion();
            Target target = topic.getValue() == Route.COMPANION_VM ? new Target(TargetKind.NODE, key + "-node")
                    : new Target(TargetKind.CLUSTER, key + "-good");
            OnboardingPlan good = plan(topic.getValue(), target, List.of(Capability.POLICY));
            send(topic.getKey(), good);

            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                List<String> reasons = dlq.getRecords().stream().filter(r -> key.equals(r.key()))
                        .map(r -> new String(r.headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8))
                        .toList();
                assertThat(reasons).as(topic.getKey()).hasSize(4);
                assertThat(String.join("\n", reasons)).contains("v9").contains("lacks planId").contains("arrived on the");
                RestAssured.get("/api/v1/executions/" + good.planId()).then().statusCode(200).body("state", equalTo("SUCCEEDED"));
            });
            dlq.close();
        }
    }

    private static ProducerRecord<String, String> keyed(ProducerRecord<String, String> record, String key) {
        return new ProducerRecord<>(record.topic(), null, key, record.value(), record.headers());
    }

    private List<StatusType> statusTypes(ConsumerTask<String, String> task, String planId) {
        return task.getRecords().stream()
                .map(r -> read(r.value()))
                .filter(e -> planId.equals(e.planId()))
                .map(StatusEvent::type)
                .toList();
    }

    private StatusEvent read(String json) {
        try {
            return mapper.readValue(json, StatusEvent.class);
        } catch (Exception e) {
            throw new AssertionError("status event is not valid JSON: " + json, e);
        }
    }

    private OnboardingPlan plan(Route route, Target target, List<Capability> capabilities) {
        return new OnboardingPlan(UUID.randomUUID().toString(), "corr-" + UUID.randomUUID(), Instant.now(),
                UUID.randomUUID().toString(), "r1", route, target, List.of(target.id()), capabilities, List.of(), null,
                "2026-11-24.1", Map.of("distribution", "k3s"));
    }

    private void send(String topic, OnboardingPlan plan) throws Exception {
        kafka.produceStrings().fromRecords(PlanRecords.of(topic, plan, mapper.writeValueAsString(plan))).awaitCompletion();
    }
}
