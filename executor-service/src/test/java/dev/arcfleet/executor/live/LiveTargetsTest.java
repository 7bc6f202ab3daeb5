package dev.arcfleet.executor.live;

import static dev.arcfleet.executor.live.LiveTargetsResource.EU_SUBSCRIPTION;
import static dev.arcfleet.executor.live.LiveTargetsResource.US_SUBSCRIPTION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.arcfleet.contracts.AzureTarget;
import dev.arcfleet.contracts.Capability;
import dev.arcfleet.contracts.OnboardingPlan;
import dev.arcfleet.contracts.Route;
import dev.arcfleet.contracts.StatusEvent;
import dev.arcfleet.contracts.StatusType;
import dev.arcfleet.contracts.Topics;
import dev.arcfleet.executor.azure.ArmAccounts;
import dev.arcfleet.testsupport.FleetInfraResource;
import dev.arcfleet.testsupport.arm.ArmEmulator;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Plans with Azure targets, as the planner's policy sets them, against the ARM emulator whose principals may each
 * write only to their own subscription: every plan's resources land in its target's subscription, resource group and
 * region, written with its target's credentials; a plan without a target goes to the default one.
 */
@QuarkusTest
@QuarkusTestResource(
        value = FleetInfraResource.class,
        initArgs = @ResourceArg(name = "database", value = "executor_targets"))
@QuarkusTestResource(value = LiveTargetsResource.class, restrictToAnnotatedClass = true)
class LiveTargetsTest extends LiveExecutorTest {
    static final AzureTarget EU =
            new AzureTarget("eu", EU_SUBSCRIPTION, "arc-fleet-eu", "westeurope", List.of("eua", "eub"));
    static final AzureTarget US = new AzureTarget("us", US_SUBSCRIPTION, "arc-fleet-us", "eastus", List.of("us"));

    @Test
    void twoTargetsGetTheirResourcesInTheirOwnSubscriptions() throws Exception {
        ArmEmulator arm = fleet.arm();
        OnboardingPlan ghent = clusterPlan(Route.ARC_K8S, "ghent-line3", List.of(Capability.POLICY))
                .withAzureTarget(EU);
        OnboardingPlan lyon = clusterPlan(Route.ARC_K8S, "lyon-edge", List.of(Capability.POLICY))
                .withAzureTarget(US);
        OnboardingPlan bremen = clusterPlan(Route.ARC_K8S, "bremen-plant", List.of(Capability.POLICY));
        for (OnboardingPlan plan : List.of(ghent, lyon, bremen)) {
            send(Topics.PLANS_ARC_K8S, plan);
        }
        for (OnboardingPlan plan : List.of(ghent, lyon, bremen)) {
            JsonPath view = awaitFinished(plan.planId(), Duration.ofSeconds(90));
            assertThat(view.getString("state")).as(view.prettify()).isEqualTo("SUCCEEDED");
        }

        assertPlaced("ghent-line3", EU_SUBSCRIPTION, "arc-fleet-eu", "westeurope");
        assertPlaced("lyon-edge", US_SUBSCRIPTION, "arc-fleet-us", "eastus");
        assertPlaced("bremen-plant", LiveFleet.SUBSCRIPTION, LiveFleet.RESOURCE_GROUP, "westeurope");
        assertThat(arm.forbidden())
                .as("no call went where its principal has no role")
                .isZero();
        assertThat(arm.throttled()).isZero();

        // each plan wrote with its own target's credential: the one picked for its id, and only that one
        String eu = "app-" + ArmAccounts.credentialFor(ghent.planId(), EU.credentials());
        assertThat(writes(eu)).isPositive();
        assertThat(writes("app-us")).isPositive();
        assertThat(writes(LiveTargetsResource.DEFAULT_PRINCIPAL)).isPositive();
        String otherEu = eu.equals("app-eua") ? "app-eub" : "app-eua";
        assertThat(writes(otherEu))
                .as("the plan keeps one credential for all its steps")
                .isZero();
    }

    @Test
    void aTargetNamingAnUnknownCredentialFailsThePlanWithTheReasonOnce() throws Exception {
        OnboardingPlan plan = clusterPlan(Route.ARC_K8S, "faults-a", List.of(Capability.POLICY))
                .withAzureTarget(
                        new AzureTarget("eu-typo", EU_SUBSCRIPTION, "arc-fleet-eu", "westeurope", List.of("eux")));
        send(Topics.PLANS_ARC_K8S, plan);
        JsonPath view = awaitFinished(plan.planId(), Duration.ofSeconds(90));
        assertThat(view.getString("state")).isEqualTo("FAILED");
        assertThat(view.getString("failureReason"))
                .contains("Azure target 'eu-typo': credential 'eux' is not configured in this executor")
                .contains("executor.azure.credentials.eux.*");
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(types(plan.planId())).contains(StatusType.FAILED));
        assertThat(events(plan.planId()).stream().map(StatusEvent::type))
                .as("failed once, not retried")
                .doesNotContain(StatusType.RETRYING)
                .filteredOn(t -> t == StatusType.FAILED)
                .hasSize(1);
        assertThat(fleet.arm().resourceIds("connectedClusters/faults-a$")).isEmpty();
    }

    private long writes(String principal) {
        return fleet.arm().passedPerSecond(ArmEmulator.Kind.WRITE, principal).values().stream()
                .mapToInt(Integer::intValue)
                .sum();
    }

    /** The cluster's Arc resources are all in this subscription and group, and its agents were told so. */
    private void assertPlaced(String cluster, String subscription, String group, String location) {
        String groupId = "/subscriptions/" + subscription + "/resourceGroups/" + group;
        String connected = groupId + "/providers/Microsoft.Kubernetes/connectedClusters/" + cluster;
        Map<String, Object> resource = fleet.arm().resource(connected).orElseThrow();
        assertThat(resource.get("location")).isEqualTo(location);
        List<String> all = fleet.arm().resourceIds("connectedClusters/" + cluster + "(/|$)");
        assertThat(all).isNotEmpty().allSatisfy(id -> assertThat(id).startsWithIgnoringCase(groupId + "/"));
        Map<String, String> agents = fleet.clusters()
                .client(cluster)
                .configMaps()
                .inNamespace("azure-arc")
                .withName("azure-clusterconfig")
                .get()
                .getData();
        assertThat(agents)
                .containsEntry("AZURE_SUBSCRIPTION_ID", subscription)
                .containsEntry("AZURE_RESOURCE_GROUP", group);
    }
}
