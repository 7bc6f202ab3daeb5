package dev.arcfleet.executor.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arcfleet.contracts.Capability;
import dev.arcfleet.contracts.OnboardingPlan;
import dev.arcfleet.contracts.Route;
import dev.arcfleet.contracts.StatusEvent;
import dev.arcfleet.contracts.StatusType;
import dev.arcfleet.contracts.Target;
import dev.arcfleet.contracts.TargetKind;
import dev.arcfleet.contracts.Topics;
import dev.arcfleet.executor.route.arck8s.AgentKeys;
import dev.arcfleet.testsupport.PlanRecords;
import dev.arcfleet.testsupport.ServiceKafkaTest;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The base of the live-mode executor tests: the fleet they talk to ({@link LiveAzureResource} injects it), the status
 * events on {@code onboarding.status} since the test began, and the plans they send and follow.
 */
abstract class LiveExecutorTest extends ServiceKafkaTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Inject
    ObjectMapper mapper;

    @Inject
    EntityManager entityManager;

    LiveFleet fleet;
    ConsumerTask<String, String> status;

    @BeforeEach
    void consumeStatus() {
        status = kafka.consumeStrings().fromTopics(Topics.STATUS);
    }

    @AfterEach
    void closeStatus() {
        status.close();
    }

    /** Waits until the plan's execution (of any action) has SUCCEEDED or FAILED; returns its view. */
    JsonPath awaitFinished(String planId, Duration timeout) {
        return awaitFinished(planId, null, timeout);
    }

    /** Waits up to 90 s until the plan's execution of {@code action} has SUCCEEDED or FAILED; returns its view. */
    JsonPath awaitFinished(String planId, String action) {
        return awaitFinished(planId, action, Duration.ofSeconds(90));
    }

    private JsonPath awaitFinished(String planId, String action, Duration timeout) {
        // polled with a plain GET and Jackson: RestAssured's JSON paths compile a Groovy script per read, which was a
        // tenth of this module's test CPU when every wait polled through them
        URI uri = URI.create(RestAssured.baseURI + ":" + RestAssured.port + "/api/v1/executions/" + planId);
        await().atMost(timeout).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            HttpResponse<String> response =
                    HTTP.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonNode view = mapper.readTree(response.body());
            if (action != null) {
                assertThat(view.path("action").asText()).isEqualTo(action);
            }
            assertThat(view.path("state").asText()).as(response.body()).isIn("SUCCEEDED", "FAILED");
        });
        return executionView(planId);
    }

    JsonPath executionView(String planId) {
        return RestAssured.get("/api/v1/executions/" + planId)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    List<StatusEvent> events(String planId) {
        return status.getRecords().stream()
                .map(r -> read(r.value()))
                .filter(e -> planId.equals(e.planId()))
                .toList();
    }

    List<StatusType> types(String planId) {
        return events(planId).stream().map(StatusEvent::type).toList();
    }

    StatusEvent read(String json) {
        try {
            return mapper.readValue(json, StatusEvent.class);
        } catch (Exception e) {
            throw new AssertionError("status event is not valid JSON: " + json, e);
        }
    }

    void send(String topic, OnboardingPlan plan) throws Exception {
        kafka.produceStrings()
                .fromRecords(PlanRecords.of(topic, plan, mapper.writeValueAsString(plan)))
                .awaitCompletion();
    }

    static OnboardingPlan clusterPlan(Route route, String cluster, List<Capability> capabilities) {
        return new OnboardingPlan(
                UUID.randomUUID().toString(),
                "corr-" + UUID.randomUUID(),
                Instant.now(),
                UUID.randomUUID().toString(),
                "r1",
                route,
                new Target(TargetKind.CLUSTER, cluster),
                List.of(cluster + "/n1"),
                capabilities,
                List.of(),
                null,
                "2026-11-25.1",
                Map.of("distribution", "k3s", "infrastructure", "generic"));
    }

    static OnboardingPlan nodePlan(String cluster, String node) {
        String nodeId = cluster + "/" + node;
        return new OnboardingPlan(
                UUID.randomUUID().toString(),
                "corr-" + UUID.randomUUID(),
                Instant.now(),
                UUID.randomUUID().toString(),
                "r1",
                Route.COMPANION_VM,
                new Target(TargetKind.NODE, nodeId),
                List.of(nodeId),
                List.of(Capability.EXTENSIONS),
                List.of(),
                null,
                "2026-11-25.1",
                Map.of("clusterId", cluster, "hostNode", node));
    }

    /**
     * What az connectedk8s connect leaves in a cluster: the namespaces, the key Secret, the agents' ConfigMap (with
     * {@code AZURE_REGION} when {@code region} is not null).
     */
    static void connectedByTheCli(KubernetesClient cluster, String resourceName, AgentKeys.Encoded key, String region) {
        for (String ns : List.of("azure-arc-release", "azure-arc")) {
            cluster.namespaces()
                    .resource(new NamespaceBuilder()
                            .withNewMetadata()
                            .withName(ns)
                            .addToLabels("app.kubernetes.io/managed-by", "Helm")
                            .addToAnnotations("meta.helm.sh/release-name", "azure-arc")
                            .addToAnnotations("meta.helm.sh/release-namespace", "azure-arc-release")
                            .endMetadata()
                            .build())
                    .create();
        }
        cluster.secrets()
                .inNamespace("azure-arc")
                .resource(new SecretBuilder()
                        .withNewMetadata()
                        .withName("azure-arc-connect-privatekey")
                        .endMetadata()
                        .addToStringData("privateKey", key.privateKeyPem())
                        .build())
                .create();
        Map<String, String> config = new LinkedHashMap<>();
        config.put("AZURE_RESOURCE_NAME", resourceName);
        config.put("AZURE_RESOURCE_GROUP", LiveFleet.RESOURCE_GROUP);
        config.put("AZURE_SUBSCRIPTION_ID", LiveFleet.SUBSCRIPTION);
        if (region != null) {
            config.put("AZURE_REGION", region);
        }
        cluster.configMaps()
                .inNamespace("azure-arc")
                .resource(new ConfigMapBuilder()
                        .withNewMetadata()
                        .withName("azure-clusterconfig")
                        .endMetadata()
                        .addToData(config)
                        .build())
                .create();
    }
}
