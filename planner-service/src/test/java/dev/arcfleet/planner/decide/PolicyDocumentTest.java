package dev.arcfleet.planner.decide;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.arcfleet.contracts.Capability;
import dev.arcfleet.contracts.DeviceClass;
import dev.arcfleet.contracts.NodeFacts;
import dev.arcfleet.contracts.Route;
import dev.arcfleet.planner.config.PolicyDocument;
import dev.arcfleet.planner.config.PolicyException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PolicyDocumentTest {

    @Test
    void theBundledPolicyIsTheSeedOfTheArchitecture() throws Exception {
        String json;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("policy/default-policy.json")) {
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Policy bundled = PolicyDocument.parse(json);
        Policy seed = Policy.defaults("x");
        assertThat(bundled.deviceClassDefaults()).isEqualTo(seed.deviceClassDefaults());
        assertThat(bundled.companionVm()).isEqualTo(seed.companionVm());
        assertThat(bundled.iotOperations()).isEqualTo(seed.iotOperations());
        assertThat(bundled.routeRules()).isEmpty();
        assertThat(bundled.approvalRules()).singleElement().satisfies(r -> {
            assertThat(r.name()).isEqualTo("auto-approve-all");
            assertThat(r.approve()).isEqualTo(Policy.Approve.AUTO);
            assertThat(r.matches(Route.COMPANION_VM, Facts.ubuntu().build())).isTrue();
        });
        // nothing waits for an operator or a rollout: bin/fleet-local demo runs as before
        assertThat(bundled.rolloutDefault()).isEqualTo(Policy.RolloutDefault.RELEASE);
        assertThat(bundled.version()).startsWith("seed-2026-11+").hasSize("seed-2026-11+".length() + 8);
    }

    @Test
    void theVersionChangesWithTheContentEvenWhenTheNameStays() {
        Policy a = PolicyDocument.parse("{\"version\":\"v1\",\"companionVm\":{\"minCpuCores\":4}}");
        Policy b = PolicyDocument.parse("{\"version\":\"v1\",\"companionVm\":{\"minCpuCores\":6}}");
        Policy a2 = PolicyDocument.parse(
                "{\"companionVm\":{\"minCpuCores\":4},\"version\":\"v1\",\"description\":\"same\"}");
        assertThat(a.version()).isNotEqualTo(b.version());
        assertThat(a.version()).isEqualTo(a2.version());
        assertThat(b.companionVm().minCpuCores()).isEqualTo(6);
        assertThat(b.companionVm().minMemoryMiB()).isEqualTo(8192);
    }

    @Test
    void readsRulesAndDefaults() {
        Policy p = PolicyDocument.parse("""
                {"version":"v2","deviceClassDefaults":{"SERVER":["DEFENDER"]},
                 "routeRules":[{"name":"lab","site":"lab","labels":{"tier":"test"},"allow":["ARC_K8S","COMPANION_VM"]}]}""");
        assertThat(p.defaultsFor(DeviceClass.SERVER)).containsExactly(Capability.DEFENDER);
        assertThat(p.defaultsFor(DeviceClass.EDGE_GATEWAY)).contains(Capability.EDGE_DATA);
        Policy.RouteRule rule = p.routeRules().get(0);
        assertThat(rule.matches("lab", java.util.Map.of("tier", "test", "x", "y")))
                .isTrue();
        assertThat(rule.matches("lab", java.util.Map.of("tier", "prod"))).isFalse();
        assertThat(rule.matches("ghent", java.util.Map.of("tier", "test"))).isFalse();
        assertThat(rule.denies(Route.DIRECT_AGENT)).isTrue();
        assertThat(rule.denies(Route.ARC_K8S)).isFalse();
    }

    @Test
    void withoutAnApprovalSectionEveryPlanIsApprovedAutomatically() {
        Policy p = PolicyDocument.parse("{\"version\":\"v1\"}");
        assertThat(p.approvalRules()).containsExactly(Policy.AUTO_APPROVE_ALL);
        assertThat(p.approvalFor(Route.ARC_K8S, Facts.talos().build())).isEqualTo(Policy.AUTO_APPROVE_ALL);
        assertThat(Policy.defaults("x").approvalRules()).containsExactly(Policy.AUTO_APPROVE_ALL);
    }

    @Test
    void readsApprovalRulesFirstMatchWinsAndNoMatchMeansManual() {
        Policy p = PolicyDocument.parse("""
                {"version":"v4","approval":{"rules":[
                  {"name":"lab talos","match":{"site":"lab","osFamily":"talos","route":"ARC_K8S"},"approve":"AUTO"},
                  {"name":"gateways by hand","match":{"deviceClass":"EDGE_GATEWAY"},"approve":"MANUAL"},
                  {"name":"canary","match":{"labels":{"ring":"canary"}},"approve":"auto"}]}}""");
        NodeFacts labTalos = Facts.talos().site("lab").build();
        assertThat(p.approvalFor(Route.ARC_K8S, labTalos).name()).isEqualTo("lab talos");
        assertThat(p.approvalFor(Route.IOT_OPERATIONS, labTalos)).isNull();
        assertThat(p.approvalFor(Route.ARC_K8S, Facts.flatcar().site("lab").build()))
                .isNull();
        NodeFacts canaryGateway =
                Facts.flatcar().labels(Map.of("ring", "canary")).build();
        assertThat(canaryGateway.deviceClass()).isNotEqualTo(DeviceClass.EDGE_GATEWAY);
        assertThat(p.approvalFor(Route.ARC_K8S, canaryGateway).name()).isEqualTo("canary");
        NodeFacts gateway = Facts.flatcar()
                .deviceClass(DeviceClass.EDGE_GATEWAY)
                .labels(Map.of("ring", "canary"))
                .build();
        assertThat(p.approvalFor(Route.IOT_OPERATIONS, gateway).approve()).isEqualTo(Policy.Approve.MANUAL);
        assertThat(p.approvalFor(Route.COMPANION_VM, Facts.talos().build())).isNull();
        assertThat(PolicyDocument.parse("{\"approval\":{\"rules\":[]}}").approvalRules())
                .isEmpty();
    }

    @Test
    void reportsEveryBadApprovalRuleAtOnce() {
        PolicyException e = catchThrowableOfType(PolicyException.class, () -> PolicyDocument.parse("""
                {"approval":{"when":"now","rules":[
                  {"match":{"site":"x"},"approve":"AUTO"},
                  {"name":"a","match":{"route":"DIRECT_AGENT","colour":"red"},"approve":"SOMETIMES"},
                  {"name":"a","match":{"deviceClass":"TOASTER","site":7},"approve":"MANUAL","why":"x"},
                  {"name":"b"}]}}"""));
        assertThat(e.errors())
                .hasSize(10)
                .anySatisfy(m -> assertThat(m).startsWith("approval.when: unknown field"))
                .anySatisfy(m -> assertThat(m).startsWith("approval.rules[0].name: required"))
                .anySatisfy(m -> assertThat(m).startsWith("approval.rules[1].match.route: only executable"))
                .anySatisfy(m -> assertThat(m).startsWith("approval.rules[1].match.colour: unknown field"))
                .anySatisfy(m -> assertThat(m).startsWith("approval.rules[1].approve: 'SOMETIMES'"))
                .anySatisfy(m -> assertThat(m).startsWith("approval.rules[2].name: 'a' names another rule"))
                .anySatisfy(m -> assertThat(m).startsWith("approval.rules[2].match.deviceClass: 'TOASTER'"))
                .anySatisfy(m -> assertThat(m).startsWith("approval.rules[2].match.site: must be a non-blank string"))
                .anySatisfy(m -> assertThat(m).startsWith("approval.rules[2].why: unknown field"))
                .anySatisfy(m -> assertThat(m).startsWith("approval.rules[3].approve: required"));
        assertThat(catchThrowableOfType(PolicyException.class, () -> PolicyDocument.parse("{\"approval\":[]}"))
                        .errors())
                .containsExactly("approval: must be an object with a rules array");
    }

    @Test
    void reportsEveryBadFieldAtOnce() {
        PolicyException e = catchThrowableOfType(PolicyException.class, () -> PolicyDocument.parse("""
                {"version":"v3","colour":"blue","deviceClassDefaults":{"TOASTER":["POLICY"],"SERVER":["WIFI"]},
                 "companionVm":{"minCpuCores":0},"iotOperations":{"architectures":[]},
                 "routeRules":[{"site":"x"},{"deny":["BLOCKED"]},{"allow":["TELEPORT"]}]}"""));
        assertThat(e.errors())
                .hasSize(8)
                .anySatisfy(m -> assertThat(m).startsWith("colour: unknown field"))
                .anySatisfy(m -> assertThat(m).startsWith("deviceClassDefaults.TOASTER"))
                .anySatisfy(m -> assertThat(m).startsWith("deviceClassDefaults.SERVER: 'WIFI'"))
                .anySatisfy(m -> assertThat(m).startsWith("companionVm.minCpuCores"))
                .anySatisfy(m -> assertThat(m).startsWith("iotOperations.architectures"))
                .anySatisfy(m -> assertThat(m).startsWith("routeRules[0]: needs a non-empty allow or deny"))
                .anySatisfy(m -> assertThat(m).startsWith("routeRules[1]: BLOCKED"))
                .anySatisfy(m -> assertThat(m).startsWith("routeRules[2].allow: 'TELEPORT'"));
        assertThat(catchThrowableOfType(PolicyException.class, () -> PolicyDocument.parse("{not json"))
                        .errors())
                .singleElement()
                .satisfies(m -> assertThat(m).startsWith("policy: not valid JSON"));
    }

    @Test
    void readsTheRolloutDefaultAndNamesEveryBadField() {
        assertThat(PolicyDocument.parse("{\"version\":\"v1\"}").rolloutDefault())
                .isEqualTo(Policy.RolloutDefault.RELEASE);
        assertThat(Policy.defaults("x").rolloutDefault()).isEqualTo(Policy.RolloutDefault.RELEASE);
        assertThat(PolicyDocument.parse("{\"rollouts\":{\"default\":\"hold\"}}").rolloutDefault())
                .isEqualTo(Policy.RolloutDefault.HOLD);
        assertThat(PolicyDocument.parse("{\"rollouts\":{\"default\":\"release\"}}")
                        .rolloutDefault())
                .isEqualTo(Policy.RolloutDefault.RELEASE);
        assertThat(PolicyDocument.parse("{\"rollouts\":{\"default\":\"hold\"}}").version())
                .as("a new default is a new policy version")
                .isNotEqualTo(PolicyDocument.parse("{}").version());
        assertThat(catchThrowableOfType(
                                PolicyException.class,
                                () -> PolicyDocument.parse("{\"rollouts\":{\"default\":\"later\",\"when\":1}}"))
                        .errors())
                .containsExactlyInAnyOrder(
                        "rollouts.default: must be one of [release, hold]",
                        "rollouts.when: unknown field (known: [default])");
        assertThat(catchThrowableOfType(PolicyException.class, () -> PolicyDocument.parse("{\"rollouts\":\"hold\"}"))
                        .errors())
                .singleElement()
                .satisfies(m -> assertThat(m).startsWith("rollouts: must be an object"));
    }

    @Test
    void readsAzureTargetsAndTheirRulesFirstMatchWins() {
        Policy p = PolicyDocument.parse("""
                {"azureTargets":{
                  "targets":{
                    "eu":{"subscriptionId":"6F1C3E2A-0B7D-4C55-9A51-2F7D5C0E9B10","resourceGroup":"arc-eu",
                          "location":"westeurope","credentials":["eua","eub"]},
                    "us":{"subscriptionId":"0c7a9f3e-5d21-4b8e-a1c4-7e3f9d2b6a85","resourceGroup":"arc.us(1)",
                          "location":"eastus","credential":"us1"}},
                  "rules":[
                    {"name":"line 3","match":{"clusterId":"ghent-line3"},"target":"us"},
                    {"name":"ghent","match":{"site":"ghent","labels":{"tier":"prod"}},"target":"eu"}]}}""");
        assertThat(p.targetRules()).hasSize(2);
        NodeFacts line3 = Facts.talos()
                .site("ghent")
                .cluster("ghent-line3", "k3s")
                .labels(Map.of("tier", "prod"))
                .build();
        assertThat(p.azureTargetFor(line3).name()).isEqualTo("us");
        assertThat(p.azureTargetFor(line3).credentials()).containsExactly("us1");
        NodeFacts prod =
                Facts.talos().site("ghent").labels(Map.of("tier", "prod")).build();
        assertThat(p.azureTargetFor(prod))
                .isEqualTo(new dev.arcfleet.contracts.AzureTarget(
                        "eu",
                        "6f1c3e2a-0b7d-4c55-9a51-2f7d5c0e9b10",
                        "arc-eu",
                        "westeurope",
                        java.util.List.of("eua", "eub")));
        assertThat(p.azureTargetFor(Facts.talos().site("ghent").build())).isNull();
        assertThat(PolicyDocument.parse("{}").targetRules()).isEmpty();
        assertThat(PolicyDocument.parse("{}").azureTargetFor(prod)).isNull();
        assertThat(p.version())
                .as("targets are part of the policy's content")
                .isNotEqualTo(PolicyDocument.parse("{}").version());
    }

    @Test
    void reportsEveryBadAzureTargetFieldAtOnce() {
        PolicyException e = catchThrowableOfType(PolicyException.class, () -> PolicyDocument.parse("""
                {"azureTargets":{"where":"there",
                  "targets":{
                    "ok":{"subscriptionId":"6f1c3e2a-0b7d-4c55-9a51-2f7d5c0e9b10","resourceGroup":"g","location":"eastus"},
                    "bad":{"subscriptionId":"not-a-guid","resourceGroup":"ends-with-dot.","location":"West Europe",
                           "credentials":["ok1","Has-Secret!"],"clientSecret":"s3cr3t"},
                    "both":{"subscriptionId":"6f1c3e2a-0b7d-4c55-9a51-2f7d5c0e9b10","resourceGroup":"g",
                            "location":"eastus","credential":"a","credentials":["b"]},
                    "-x":{"subscriptionId":"6f1c3e2a-0b7d-4c55-9a51-2f7d5c0e9b10","resourceGroup":"g","location":"eastus"},
                    "list":[]},
                  "rules":[
                    {"match":{"site":"x"},"target":"ok"},
                    {"name":"a","match":{"cluster":"c1"},"target":"nowhere"},
                    {"name":"a","match":{"clusterId":""},"target":"ok","why":"x"}]}}"""));
        assertThat(e.errors())
                .hasSize(15)
                .anySatisfy(m -> assertThat(m).startsWith("azureTargets.where: unknown field"))
                .anySatisfy(m -> assertThat(m).startsWith("azureTargets.rules[2].why: unknown field"))
                .anySatisfy(m -> assertThat(m)
                        .startsWith("azureTargets.targets.bad.subscriptionId: required, a subscription id"))
                .anySatisfy(m -> assertThat(m).startsWith("azureTargets.targets.bad.resourceGroup: required, 1 to 90"))
                .anySatisfy(
                        m -> assertThat(m).startsWith("azureTargets.targets.bad.location: required, an Azure region"))
                .anySatisfy(m ->
                        assertThat(m).startsWith("azureTargets.targets.bad.credentials: distinct credential names"))
                .anySatisfy(m -> assertThat(m).startsWith("azureTargets.targets.bad.clientSecret: unknown field"))
                .anySatisfy(m -> assertThat(m).startsWith("azureTargets.targets.both: give credential or credentials"))
                .anySatisfy(m -> assertThat(m).startsWith("azureTargets.targets.-x: a target name is"))
                .anySatisfy(m -> assertThat(m).startsWith("azureTargets.targets.list: must be an object"))
                .anySatisfy(m -> assertThat(m).startsWith("azureTargets.rules[0].name: required"))
                .anySatisfy(m -> assertThat(m).startsWith("azureTargets.rules[1].match.cluster: unknown field"))
                .anySatisfy(m -> assertThat(m).startsWith("azureTargets.rules[1].target: required, the name of one of"))
                .anySatisfy(m -> assertThat(m).startsWith("azureTargets.rules[2].name: 'a' names another rule"))
                .anySatisfy(
                        m -> assertThat(m).startsWith("azureTargets.rules[2].match.clusterId: must be a non-blank"));
        assertThat(e.errors()).noneMatch(m -> m.contains("s3cr3t"));
        assertThat(catchThrowableOfType(PolicyException.class, () -> PolicyDocument.parse("{\"azureTargets\":[]}"))
                        .errors())
                .containsExactly("azureTargets: must be an object with targets and rules");
    }
}
