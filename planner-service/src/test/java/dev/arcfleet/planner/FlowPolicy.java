package dev.arcfleet.planner;

import dev.arcfleet.testsupport.FleetInfraResource;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/**
 * The one test profile of the planner's approval, rollout, Azure target, decision cap and SASL tests. Every profile is
 * a Quarkus application of its own, built and started again when the tests reach it (35-50 s of a test run each), so
 * these tests share one planner instead of a profile each: on the broker that authenticates and authorizes as every
 * deployment's does ({@code ScramKafka}, as {@code fleet-planner}; the tests' own clients connect as the super user),
 * approval manual except for the sites named below (the targeted one goes to an Azure target of its own), the rollout
 * tick 1 s, and a preview or what-if allowed only a handful of nodes. Each test keeps to sites and clusters of its own
 * run, so sharing the planner does not make one see another's plans.
 */
public class FlowPolicy implements QuarkusTestProfile {
    /** A site whose plans are approved automatically. */
    public static final String AUTO_SITE = "lab-auto";
    /** A site whose plans go to the Azure target {@code eu} (and are approved automatically). */
    public static final String TARGETED_SITE = "ghent-targets";
    /** A site with no Azure target of its own (approved automatically). */
    public static final String UNTARGETED_SITE = "lyon";
    /** The subscription of the Azure target {@code eu}. */
    public static final String EU_SUBSCRIPTION = "6f1c3e2a-0b7d-4c55-9a51-2f7d5c0e9b10";
    /** Most items of one preview. */
    public static final int PREVIEW_MAX_ITEMS = 3;
    /** Most nodes of one what-if. */
    public static final int WHAT_IF_MAX_NODES = 2;

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(
                FleetInfraResource.class,
                Map.of("database", "planner_flows", "kafka.auth", "scram", "kafka.user", "fleet-planner")));
    }

    @Override
    public boolean disableGlobalTestResources() {
        return true;
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        String policy = PlannerKafkaTest.policyFile(
                """
                {"version": "planner-flows",
                 "approval": {"rules": [
                   {"name": "lab is automatic", "match": {"site": "%s"}, "approve": "AUTO"},
                   {"name": "targeted site is automatic", "match": {"site": "%s"}, "approve": "AUTO"},
                   {"name": "untargeted site is automatic", "match": {"site": "%s"}, "approve": "AUTO"}]},
                 "azureTargets": {
                   "targets": {"eu": {"subscriptionId": "%s", "resourceGroup": "arc-eu",
                                      "location": "westeurope", "credentials": ["eua", "eub"]}},
                   "rules": [{"name": "ghent", "match": {"site": "%s"}, "target": "eu"}]}}
                """.formatted(AUTO_SITE, TARGETED_SITE, UNTARGETED_SITE, EU_SUBSCRIPTION, TARGETED_SITE));
        return Map.of(
                "fleet.policy.file",
                policy,
                "planner.rollouts.tick",
                "1s",
                "planner.decisions.preview-max-items",
                String.valueOf(PREVIEW_MAX_ITEMS),
                "planner.decisions.what-if-max-nodes",
                String.valueOf(WHAT_IF_MAX_NODES));
    }
}
