package dev.arcfleet.planner.plan;

import static dev.arcfleet.contracts.Capability.EDGE_DATA;
import static dev.arcfleet.contracts.Capability.EXTENSIONS;
import static dev.arcfleet.contracts.Capability.MONITOR;
import static dev.arcfleet.contracts.Capability.POLICY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.arcfleet.contracts.AzureTarget;
import dev.arcfleet.contracts.Capability;
import dev.arcfleet.contracts.CapabilitySet;
import dev.arcfleet.contracts.Decision;
import dev.arcfleet.contracts.NodeFacts;
import dev.arcfleet.contracts.Route;
import dev.arcfleet.contracts.StatusType;
import dev.arcfleet.contracts.Target;
import dev.arcfleet.contracts.TargetKind;
import dev.arcfleet.planner.config.PolicyDocument;
import dev.arcfleet.planner.decide.Facts;
import dev.arcfleet.planner.decide.Policy;
import dev.arcfleet.planner.plan.PlanBook.Changes;
import dev.arcfleet.planner.plan.PlanBook.Plan;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The policy's Azure targets decide where each plan goes, and a plan that reached an executor stays there. */
class PlanTargetsTest {
    static final String EU_SUB = "6f1c3e2a-0b7d-4c55-9a51-2f7d5c0e9b10";
    static final String US_SUB = "0c7a9f3e-5d21-4b8e-a1c4-7e3f9d2b6a85";
    static final Policy POLICY_WITH_TARGETS = PolicyDocument.parse("""
            {"version":"t1","azureTargets":{
              "targets":{
                "eu":{"subscriptionId":"%s","resourceGroup":"arc-eu","location":"westeurope","credentials":["eua","eub"]},
                "us":{"subscriptionId":"%s","resourceGroup":"arc-us","location":"eastus","credential":"us"},
                "lab":{"subscriptionId":"%s","resourceGroup":"arc-lab","location":"westeurope"}},
              "rules":[
                {"name":"the lab cluster","match":{"clusterId":"lab-1"},"target":"lab"},
                {"name":"ghent","match":{"site":"ghent"},"target":"eu"},
                {"name":"us ring","match":{"labels":{"region":"us"}},"target":"us"}]}}""".formatted(EU_SUB, US_SUB, EU_SUB));

    final Map<String, Plan> store = new HashMap<>();
    final Map<String, String> nodePlans = new HashMap<>();

    @Test
    void thePolicysFirstMatchingRuleDecidesTheTargetOfEachClustersPlan() {
        Target ghent = new Target(TargetKind.CLUSTER, "ghent-line3");
        Target austin = new Target(TargetKind.CLUSTER, "austin-1");
        Target lab = new Target(TargetKind.CLUSTER, "lab-1");
        Target lyon = new Target(TargetKind.CLUSTER, "lyon-edge");

        Plan eu = published(decide(Route.ARC_K8S, ghent, node("ghent-line3/n1", "ghent", Map.of()), POLICY));
        Plan us =
                published(decide(Route.ARC_K8S, austin, node("austin-1/n1", "austin", Map.of("region", "us")), POLICY));
        Plan inLab = published(decide(Route.ARC_K8S, lab, node("lab-1/n1", "ghent", Map.of("region", "us")), POLICY));
        Plan nowhere = published(decide(Route.ARC_K8S, lyon, node("lyon-edge/n1", "lyon", Map.of()), POLICY));

        assertThat(PlanBook.azureTargetOf(eu))
                .isEqualTo(new AzureTarget("eu", EU_SUB, "arc-eu", "westeurope", List.of("eua", "eub")));
        assertThat(PlanBook.azureTargetOf(us))
                .isEqualTo(new AzureTarget("us", US_SUB, "arc-us", "eastus", List.of("us")));
        assertThat(PlanBook.azureTargetOf(inLab))
                .as("the cluster rule comes first, though the site and the labels match later rules")
                .isEqualTo(new AzureTarget("lab", EU_SUB, "arc-lab", "westeurope", List.of()));
        assertThat(PlanBook.azureTargetOf(nowhere))
                .as("no rule: the executor's default")
                .isNull();
        // what the executor gets as parameters leaves the target out: it travels as the plan's azureTarget
        assertThat(PlanBook.executorParameters(eu))
                .containsOnlyKeys("clusterId", "distribution", "site")
                .doesNotContainKey(PlanBook.AZURE_TARGET);
        // a plan without a target has the revision it had before targets existed
        assertThat(nowhere.revision())
                .isEqualTo(PlanIds.revision(Route.ARC_K8S, lyon, List.of(POLICY), nowhere.parameters()));
        assertThat(nowhere.parameters()).containsOnlyKeys("clusterId", "distribution", "site");
        // where a plan goes is part of its content: the same cluster elsewhere is another revision
        assertThat(eu.revision())
                .isNotEqualTo(PlanIds.revision(Route.ARC_K8S, ghent, List.of(POLICY), PlanBook.executorParameters(eu)));
    }

    @Test
    void anIotOperationsPlanGoesWhereItsClustersArcPlanGoes() {
        Target ghent = new Target(TargetKind.CLUSTER, "ghent-line3");
        Changes changes = decide(
                Route.IOT_OPERATIONS, ghent, node("ghent-line3/gw", "ghent", Map.of()), POLICY, MONITOR, EDGE_DATA);
        Plan iot = changes.plan(PlanIds.planId(Route.IOT_OPERATIONS, ghent));
        Plan arc = changes.plan(PlanIds.planId(Route.ARC_K8S, ghent));
        assertThat(PlanBook.azureTargetOf(arc).name()).isEqualTo("eu");
        assertThat(PlanBook.azureTargetOf(iot)).isEqualTo(PlanBook.azureTargetOf(arc));
    }

    @Test
    void aCompanionVmPlanTakesItsNodesTargetByLabel() {
        Target node = new Target(TargetKind.NODE, "austin-1/n4");
        Plan vm = published(
                decide(Route.COMPANION_VM, node, node("austin-1/n4", "austin", Map.of("region", "us")), EXTENSIONS));
        assertThat(PlanBook.azureTargetOf(vm).subscriptionId()).isEqualTo(US_SUB);
    }

    @Test
    void aPlanThatReachedAnExecutorKeepsItsTargetWhenThePolicyChanges() {
        Target ghent = new Target(TargetKind.CLUSTER, "ghent-line3");
        String arcId = PlanIds.planId(Route.ARC_K8S, ghent);
        Plan first = published(decide(Route.ARC_K8S, ghent, node("ghent-line3/n1", "ghent", Map.of()), POLICY));
        assertThat(PlanBook.azureTargetOf(first).name()).isEqualTo("eu");

        Policy moved = PolicyDocument.parse("""
                {"version":"t2","azureTargets":{
                  "targets":{"us":{"subscriptionId":"%s","resourceGroup":"arc-us","location":"eastus"}},
                  "rules":[{"name":"all","target":"us"}]}}""".formatted(US_SUB));
        Changes grown = decide(
                moved, Route.ARC_K8S, ghent, node("ghent-line3/n2", "ghent", Map.of()), POLICY, MONITOR, EXTENSIONS);
        assertThat(grown.publications()).as("a new capability: new work").hasSize(1);
        assertThat(PlanBook.azureTargetOf(store.get(arcId)))
                .as("its resources stay where they are")
                .isEqualTo(PlanBook.azureTargetOf(first));
    }

    @Test
    void aPlanNoExecutorSawYetTakesTheTargetOfThePolicyInForce() {
        Policy manual = PolicyDocument.parse("""
                {"version":"m1","approval":{"rules":[]},"azureTargets":{
                  "targets":{"eu":{"subscriptionId":"%s","resourceGroup":"arc-eu","location":"westeurope"}},
                  "rules":[{"name":"all","target":"eu"}]}}""".formatted(EU_SUB));
        Target ghent = new Target(TargetKind.CLUSTER, "ghent-line3");
        String arcId = PlanIds.planId(Route.ARC_K8S, ghent);
        Changes held = decide(manual, Route.ARC_K8S, ghent, node("ghent-line3/n1", "ghent", Map.of()), POLICY);
        assertThat(held.approvals()).extracting(n -> n.type()).containsExactly(StatusType.AWAITING_APPROVAL);
        assertThat(PlanBook.azureTargetOf(store.get(arcId)).name()).isEqualTo("eu");

        Policy retargeted = PolicyDocument.parse("""
                {"version":"m2","approval":{"rules":[]},"azureTargets":{
                  "targets":{"us":{"subscriptionId":"%s","resourceGroup":"arc-us","location":"eastus"}},
                  "rules":[{"name":"all","target":"us"}]}}""".formatted(US_SUB));
        decide(retargeted, Route.ARC_K8S, ghent, node("ghent-line3/n1", "ghent", Map.of()), POLICY);
        assertThat(PlanBook.azureTargetOf(store.get(arcId)).name()).isEqualTo("us");
    }

    private static Plan published(Changes changes) {
        assertThat(changes.publications()).isNotEmpty();
        return changes.publications().get(changes.publications().size() - 1).plan();
    }

    private Changes decide(Route route, Target target, NodeFacts facts, Capability... provided) {
        return decide(POLICY_WITH_TARGETS, route, target, facts, provided);
    }

    private Changes decide(Policy policy, Route route, Target target, NodeFacts facts, Capability... provided) {
        Decision decision = new Decision(
                facts.nodeId(),
                route,
                target,
                false,
                List.of(),
                List.of("test"),
                new CapabilitySet(List.of(provided), List.of()),
                List.of(),
                null,
                List.of(),
                policy.version(),
                "hash-" + facts.nodeId(),
                Instant.parse("2026-11-23T10:00:00Z"));
        Changes changes = PlanBook.decide(
                decision,
                facts,
                nodePlans.get(facts.nodeId()),
                Map.copyOf(store),
                policy.approvalRules(),
                Instant.parse("2026-12-01T10:00:00Z"),
                plan -> false,
                policy.azureTargetFor(facts));
        changes.plans().forEach(p -> store.put(p.planId(), p));
        nodePlans.put(facts.nodeId(), changes.decision().planId());
        return changes;
    }

    private static NodeFacts node(String nodeId, String site, Map<String, String> labels) {
        String cluster = nodeId.substring(0, nodeId.indexOf('/'));
        return Facts.talos()
                .id(nodeId)
                .site(site)
                .cluster(cluster, "k3s")
                .labels(labels)
                .build();
    }
}
