package dev.arcfleet.planner.decide;

import static dev.arcfleet.contracts.Capability.EDGE_DATA;
import static dev.arcfleet.contracts.Capability.EXTENSIONS;
import static dev.arcfleet.contracts.Capability.GUEST_CONFIGURATION;
import static dev.arcfleet.contracts.Capability.INVENTORY;
import static dev.arcfleet.contracts.Capability.MACHINE_IDENTITY;
import static dev.arcfleet.contracts.Capability.MONITOR;
import static dev.arcfleet.contracts.Capability.POLICY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.arcfleet.contracts.Capability;
import dev.arcfleet.contracts.Decision;
import dev.arcfleet.contracts.DeviceClass;
import dev.arcfleet.contracts.RejectedRoute;
import dev.arcfleet.contracts.Route;
import dev.arcfleet.contracts.TargetKind;
import dev.arcfleet.planner.config.PolicyDocument;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every branch of every decision rule of docs/architecture.md#decision-rules, with facts as real nodes report them. */
class DecisionEngineTest {
    static final Policy SEED = Policy.defaults("seed");
    static final DecisionEngine ENGINE = new DecisionEngine();

    record Row(
            String name,
            Facts facts,
            Policy policy,
            Route route,
            TargetKind target,
            List<String> reasons,
            List<Capability> missing,
            Map<String, List<String>> rejected,
            String rationale) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Row row(
            String name,
            Facts facts,
            Route route,
            TargetKind target,
            List<String> reasons,
            List<Capability> missing,
            Map<String, List<String>> rejected,
            String rationale) {
        return new Row(name, facts, SEED, route, target, reasons, missing, rejected, rationale);
    }

    static Policy policy(String json) {
        return PolicyDocument.parse(json);
    }

    static final List<String> TALOS_AGENT = List.of("IMMUTABLE_OS", "READ_ONLY_USR", "NO_PACKAGE_MANAGER");

    static Stream<Row> rules() {
        return Stream.of(
                // Rule 1: EDGE_DATA
                row(
                        "1a edge gateway in no cluster is blocked",
                        Facts.flatcar().deviceClass(DeviceClass.EDGE_GATEWAY),
                        Route.BLOCKED,
                        TargetKind.NODE,
                        List.of("NO_KUBERNETES"),
                        List.of(EDGE_DATA, MONITOR, POLICY),
                        Map.of(
                                "IOT_OPERATIONS",
                                List.of("NO_KUBERNETES"),
                                "DIRECT_AGENT",
                                TALOS_AGENT,
                                "COMPANION_VM",
                                List.of("NO_VIRTUALIZATION")),
                        "in no cluster"),
                row(
                        "1b arm64 Kairos device gets Arc K8s without EDGE_DATA",
                        Facts.kairos()
                                .deviceClass(DeviceClass.IOT_DEVICE)
                                .cluster("linz-k3s", "k3s")
                                .host("arm64", 4, 16384L),
                        Route.ARC_K8S,
                        TargetKind.CLUSTER,
                        List.of("IOT_OPS_UNSUPPORTED_ARCHITECTURE"),
                        List.of(EDGE_DATA),
                        Map.of("IOT_OPERATIONS", List.of("IOT_OPS_UNSUPPORTED_ARCHITECTURE")),
                        "architecture arm64"),
                row(
                        "1c small industrial PC gets Arc K8s without EDGE_DATA",
                        Facts.flatcar()
                                .deviceClass(DeviceClass.INDUSTRIAL)
                                .cluster("plant-1", "k3s")
                                .host("amd64", 2, 4096L),
                        Route.ARC_K8S,
                        TargetKind.CLUSTER,
                        List.of("IOT_OPS_INSUFFICIENT_RESOURCES"),
                        List.of(EDGE_DATA),
                        Map.of("IOT_OPERATIONS", List.of("IOT_OPS_INSUFFICIENT_RESOURCES")),
                        "IoT Operations needs 4 cores"),
                row(
                        "1c' arm64 and small: both prerequisites named",
                        Facts.kairos()
                                .deviceClass(DeviceClass.IOT_DEVICE)
                                .cluster("linz-k3s", "k3s")
                                .host("arm64", 2, 2048L),
                        Route.ARC_K8S,
                        TargetKind.CLUSTER,
                        List.of("IOT_OPS_UNSUPPORTED_ARCHITECTURE", "IOT_OPS_INSUFFICIENT_RESOURCES"),
                        List.of(EDGE_DATA),
                        Map.of(),
                        null),
                row(
                        "1d gateway in a capable cluster gets IoT Operations",
                        Facts.flatcar().deviceClass(DeviceClass.EDGE_GATEWAY).cluster("ghent-line3", "k3s"),
                        Route.IOT_OPERATIONS,
                        TargetKind.CLUSTER,
                        List.of(),
                        List.of(),
                        Map.of(
                                "DIRECT_AGENT",
                                TALOS_AGENT,
                                "SYSEXT",
                                List.of("AGENT_NEEDS_WRITABLE_STATE"),
                                "STATIC_BINARY",
                                List.of("AGENT_IS_MULTI_COMPONENT")),
                        "Azure IoT Operations on cluster ghent-line3"),
                row(
                        "1d' unknown host size does not block IoT Operations",
                        Facts.flatcar()
                                .deviceClass(DeviceClass.EDGE_GATEWAY)
                                .cluster("ghent-line3", "k3s")
                                .noHost(),
                        Route.IOT_OPERATIONS,
                        TargetKind.CLUSTER,
                        List.of(),
                        List.of(),
                        Map.of(),
                        "CPU cores and memory unknown: not held against IoT Operations"),
                row(
                        "1d'' a mutable server asking for EDGE_DATA still goes to IoT Operations",
                        Facts.ubuntu().requires(EDGE_DATA).cluster("ghent-line3", "rke2"),
                        Route.IOT_OPERATIONS,
                        TargetKind.CLUSTER,
                        List.of(),
                        List.of(),
                        Map.of("DIRECT_AGENT", List.of("EDGE_DATA_REQUIRED")),
                        null),
                // Rule 2: mutable OS
                row(
                        "2 Ubuntu server takes the agent",
                        Facts.ubuntu(),
                        Route.DIRECT_AGENT,
                        TargetKind.NODE,
                        List.of(),
                        List.of(),
                        Map.of(
                                "ARC_K8S",
                                List.of("NO_KUBERNETES"),
                                "IOT_OPERATIONS",
                                List.of("EDGE_DATA_NOT_REQUIRED")),
                        "mutable and supported by azcmagent"),
                row(
                        "2' Ubuntu in a cluster still takes the agent",
                        Facts.ubuntu().cluster("ams-rke2", "rke2"),
                        Route.DIRECT_AGENT,
                        TargetKind.NODE,
                        List.of(),
                        List.of(),
                        Map.of("ARC_K8S", List.of("LOWER_PRECEDENCE")),
                        null),
                row(
                        "2'' bootc RHEL (ostree booted) is not mutable",
                        Facts.bootc(),
                        Route.BLOCKED,
                        TargetKind.NODE,
                        List.of("NO_KUBERNETES", "NO_VIRTUALIZATION"),
                        List.of(INVENTORY, POLICY, MONITOR),
                        Map.of("DIRECT_AGENT", List.of("IMMUTABLE_OS", "OSTREE_BOOTED")),
                        "immutable"),
                // Rule 3: host-level capabilities
                row(
                        "3a Talos with KubeVirt gets a companion VM for EXTENSIONS",
                        Facts.talos()
                                .requires(EXTENSIONS)
                                .cluster("ghent-talos", "talos")
                                .kubevirt(),
                        Route.COMPANION_VM,
                        TargetKind.NODE,
                        List.of(),
                        List.of(),
                        Map.of("ARC_K8S", List.of("MISSING_CAPABILITIES")),
                        "companion VM on this host (KubeVirt"),
                row(
                        "3a' a Talos workload VM is not built: Arc K8s, degraded, and the rationale says why",
                        Facts.talos()
                                .requires(EXTENSIONS)
                                .cluster("ghent-talos", "talos")
                                .talosVm(),
                        Route.ARC_K8S,
                        TargetKind.CLUSTER,
                        List.of("VIRTUALIZATION_NOT_SUPPORTED"),
                        List.of(EXTENSIONS),
                        Map.of("COMPANION_VM", List.of("VIRTUALIZATION_NOT_SUPPORTED")),
                        "companion VMs are built with KubeVirt, not a Talos workload VM"),
                row(
                        "3b Talos without virtualization: Arc K8s, degraded",
                        Facts.talos().requires(GUEST_CONFIGURATION).cluster("ghent-talos", "talos"),
                        Route.ARC_K8S,
                        TargetKind.CLUSTER,
                        List.of("NO_VIRTUALIZATION"),
                        List.of(GUEST_CONFIGURATION),
                        Map.of("COMPANION_VM", List.of("NO_VIRTUALIZATION")),
                        "is Arc-enabled instead"),
                row(
                        "3b' too small for a VM: Arc K8s, degraded",
                        Facts.talos()
                                .requires(MACHINE_IDENTITY)
                                .cluster("ghent-talos", "talos")
                                .kubevirt()
                                .host("amd64", 2, 4096L),
                        Route.ARC_K8S,
                        TargetKind.CLUSTER,
                        List.of("INSUFFICIENT_HOST_RESOURCES"),
                        List.of(MACHINE_IDENTITY),
                        Map.of("COMPANION_VM", List.of("INSUFFICIENT_HOST_RESOURCES")),
                        "the policy needs 4 cores"),
                row(
                        "3c KubeVirt host in no cluster is blocked: no API server to create the VM in",
                        Facts.flatcar().requires(MACHINE_IDENTITY).kubevirt().host("amd64", 2, 4096L),
                        Route.BLOCKED,
                        TargetKind.NODE,
                        List.of("VM_HOST_NOT_IN_CLUSTER", "NO_KUBERNETES"),
                        List.of(INVENTORY, POLICY, MONITOR, MACHINE_IDENTITY),
                        Map.of(),
                        null),
                row(
                        "3c' no virtualization, no cluster",
                        Facts.flatcar().requires(EXTENSIONS, GUEST_CONFIGURATION),
                        Route.BLOCKED,
                        TargetKind.NODE,
                        List.of("NO_VIRTUALIZATION", "NO_KUBERNETES"),
                        List.of(INVENTORY, POLICY, MONITOR, EXTENSIONS, GUEST_CONFIGURATION),
                        Map.of(),
                        null),
                row(
                        "3d unknown host size does not block the companion VM",
                        Facts.flatcar()
                                .requires(EXTENSIONS)
                                .cluster("ams-k3s", "k3s")
                                .kubevirt()
                                .noHost(),
                        Route.COMPANION_VM,
                        TargetKind.NODE,
                        List.of(),
                        List.of(),
                        Map.of("ARC_K8S", List.of("MISSING_CAPABILITIES")),
                        "unknown: not held against a companion VM"),
                // Rule 4: cluster
                row(
                        "4 Talos node in a cluster: Arc-enabled Kubernetes",
                        Facts.talos().cluster("ghent-talos", "talos"),
                        Route.ARC_K8S,
                        TargetKind.CLUSTER,
                        List.of(),
                        List.of(),
                        Map.of(
                                "DIRECT_AGENT",
                                TALOS_AGENT,
                                "COMPANION_VM",
                                List.of("NO_VIRTUALIZATION"),
                                "IOT_OPERATIONS",
                                List.of("EDGE_DATA_NOT_REQUIRED"),
                                "SYSEXT",
                                List.of("AGENT_NEEDS_WRITABLE_STATE"),
                                "STATIC_BINARY",
                                List.of("AGENT_IS_MULTI_COMPONENT")),
                        "Arc-enable the cluster"),
                row(
                        "4' unknown OS in a cluster is not assumed mutable",
                        Facts.unknown().cluster("lab-k3s", "k3s"),
                        Route.ARC_K8S,
                        TargetKind.CLUSTER,
                        List.of(),
                        List.of(),
                        Map.of("DIRECT_AGENT", List.of("UNKNOWN_OS")),
                        "not assumed mutable"),
                row(
                        "4'' KubeVirt-capable Talos still prefers the cluster without host-level needs",
                        Facts.talos().cluster("ghent-talos", "talos").kubevirt(),
                        Route.ARC_K8S,
                        TargetKind.CLUSTER,
                        List.of(),
                        List.of(),
                        Map.of("COMPANION_VM", List.of("LOWER_PRECEDENCE")),
                        null),
                // Rule 5: no cluster
                row(
                        "5a Fedora IoT with Firecracker and no cluster: blocked, Firecracker VMs are not built",
                        Facts.fedoraIot().firecracker(),
                        Route.BLOCKED,
                        TargetKind.NODE,
                        List.of("NO_KUBERNETES", "VIRTUALIZATION_NOT_SUPPORTED"),
                        List.of(INVENTORY, POLICY, MONITOR),
                        Map.of("COMPANION_VM", List.of("VIRTUALIZATION_NOT_SUPPORTED")),
                        "companion VMs are built with KubeVirt, not Firecracker"),
                row(
                        "5b Bottlerocket with nothing: blocked",
                        Facts.bottlerocket(),
                        Route.BLOCKED,
                        TargetKind.NODE,
                        List.of("NO_KUBERNETES", "NO_VIRTUALIZATION"),
                        List.of(INVENTORY, POLICY, MONITOR),
                        Map.of(),
                        null),
                row(
                        "5c KubeVirt in no cluster: blocked, never a VM pinned to a host no cluster has",
                        Facts.fedoraIot().kubevirt().host("x86_64", 2, 2048L),
                        Route.BLOCKED,
                        TargetKind.NODE,
                        List.of("NO_KUBERNETES", "VM_HOST_NOT_IN_CLUSTER"),
                        List.of(INVENTORY, POLICY, MONITOR),
                        Map.of("COMPANION_VM", List.of("VM_HOST_NOT_IN_CLUSTER")),
                        "no API server to create its VirtualMachine in"),
                row(
                        "5d unknown OS is also named",
                        Facts.unknown(),
                        Route.BLOCKED,
                        TargetKind.NODE,
                        List.of("NO_KUBERNETES", "NO_VIRTUALIZATION", "UNKNOWN_OS"),
                        List.of(INVENTORY, POLICY, MONITOR),
                        Map.of("DIRECT_AGENT", List.of("UNKNOWN_OS"), "SYSEXT", List.of("AGENT_NEEDS_WRITABLE_STATE")),
                        null),
                // Policy: denied routes fall through, sizes and defaults come from policy
                new Row(
                        "P1 DIRECT_AGENT denied at a site falls through to the cluster",
                        Facts.ubuntu().site("lab").cluster("lab-k3s", "k3s"),
                        policy(
                                "{\"version\":\"p1\",\"routeRules\":[{\"name\":\"lab has no agents\",\"site\":\"lab\",\"deny\":[\"DIRECT_AGENT\"]}]}"),
                        Route.ARC_K8S,
                        TargetKind.CLUSTER,
                        List.of(),
                        List.of(),
                        Map.of("DIRECT_AGENT", List.of("ROUTE_NOT_ALLOWED_BY_POLICY")),
                        "DIRECT_AGENT is denied by policy rule 'lab has no agents'; trying the next rule"),
                new Row(
                        "P2 a label allow-list of ARC_K8S turns an IoT gateway into a degraded Arc cluster",
                        Facts.flatcar()
                                .deviceClass(DeviceClass.EDGE_GATEWAY)
                                .cluster("ghent-line3", "k3s")
                                .labels(Map.of("tier", "prod")),
                        policy(
                                "{\"version\":\"p2\",\"routeRules\":[{\"labels\":{\"tier\":\"prod\"},\"allow\":[\"ARC_K8S\"]}]}"),
                        Route.ARC_K8S,
                        TargetKind.CLUSTER,
                        List.of("ROUTE_NOT_ALLOWED_BY_POLICY"),
                        List.of(EDGE_DATA),
                        Map.of("IOT_OPERATIONS", List.of("ROUTE_NOT_ALLOWED_BY_POLICY")),
                        "IOT_OPERATIONS is denied by policy rule for any site with labels {tier=prod}"),
                new Row(
                        "P3 COMPANION_VM denied: Arc K8s degraded instead",
                        Facts.talos()
                                .requires(EXTENSIONS)
                                .cluster("ghent-talos", "talos")
                                .kubevirt(),
                        policy("{\"version\":\"p3\",\"routeRules\":[{\"deny\":[\"COMPANION_VM\"]}]}"),
                        Route.ARC_K8S,
                        TargetKind.CLUSTER,
                        List.of("ROUTE_NOT_ALLOWED_BY_POLICY"),
                        List.of(EXTENSIONS),
                        Map.of("COMPANION_VM", List.of("ROUTE_NOT_ALLOWED_BY_POLICY")),
                        null),
                new Row(
                        "P4 a rule for another site does not apply",
                        Facts.ubuntu().site("ghent"),
                        policy("{\"version\":\"p4\",\"routeRules\":[{\"site\":\"lab\",\"deny\":[\"DIRECT_AGENT\"]}]}"),
                        Route.DIRECT_AGENT,
                        TargetKind.NODE,
                        List.of(),
                        List.of(),
                        Map.of(),
                        null),
                new Row(
                        "P5 a bigger companion VM minimum refuses a host the seed would accept",
                        Facts.talos()
                                .requires(EXTENSIONS)
                                .cluster("ghent-talos", "talos")
                                .kubevirt()
                                .host("amd64", 4, 8192L),
                        policy("{\"version\":\"p5\",\"companionVm\":{\"minCpuCores\":8,\"minMemoryMiB\":16384}}"),
                        Route.ARC_K8S,
                        TargetKind.CLUSTER,
                        List.of("INSUFFICIENT_HOST_RESOURCES"),
                        List.of(EXTENSIONS),
                        Map.of("COMPANION_VM", List.of("INSUFFICIENT_HOST_RESOURCES")),
                        "the policy needs 8 cores and 16384 MiB"),
                new Row(
                        "P6 servers default to EDGE_DATA under a policy that says so",
                        Facts.talos().cluster("ghent-talos", "talos"),
                        policy("{\"version\":\"p6\",\"deviceClassDefaults\":{\"SERVER\":[\"EDGE_DATA\",\"MONITOR\"]}}"),
                        Route.IOT_OPERATIONS,
                        TargetKind.CLUSTER,
                        List.of(),
                        List.of(),
                        Map.of(),
                        "device class SERVER defaults"),
                new Row(
                        "P7 IoT Operations on arm64 when the policy lists it",
                        Facts.kairos()
                                .deviceClass(DeviceClass.IOT_DEVICE)
                                .cluster("linz-k3s", "k3s")
                                .host("arm64", 4, 16384L),
                        policy("{\"version\":\"p7\",\"iotOperations\":{\"architectures\":[\"amd64\",\"arm64\"]}}"),
                        Route.IOT_OPERATIONS,
                        TargetKind.CLUSTER,
                        List.of(),
                        List.of(),
                        Map.of(),
                        null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void decidesByTheRules(Row row) {
        Decision d = ENGINE.decide(row.facts.build(), row.policy, Instant.parse("2026-11-24T00:00:00Z"));

        assertThat(d.route()).as("route; rationale %s", d.rationale()).isEqualTo(row.route);
        assertThat(d.target().kind()).isEqualTo(row.target);
        assertThat(d.target().id())
                .isEqualTo(row.target == TargetKind.CLUSTER ? row.facts.cluster.id() : row.facts.nodeId);
        assertThat(d.reasons()).as("reasons").containsExactlyElementsOf(row.reasons);
        assertThat(d.capabilities().missing()).as("missing").containsExactlyInAnyOrderElementsOf(row.missing);
        assertThat(d.degraded()).isEqualTo(row.route != Route.BLOCKED && !row.missing.isEmpty());
        if (!d.degraded() && d.route() != Route.BLOCKED) {
            assertThat(d.reasons()).isEmpty();
        }
        Map<String, List<String>> rejected =
                d.rejected().stream().collect(Collectors.toMap(RejectedRoute::route, RejectedRoute::reasons));
        assertThat(rejected).doesNotContainKey(d.route().name());
        row.rejected.forEach((route, reasons) ->
                assertThat(rejected.get(route)).as("rejected %s", route).containsExactlyElementsOf(reasons));
        assertThat(d.rationale())
                .isNotEmpty()
                .allSatisfy(line -> assertThat(line).isNotBlank());
        if (row.rationale != null) {
            assertThat(String.join(" | ", d.rationale())).contains(row.rationale);
        }
        assertThat(d.policyVersion()).isEqualTo(row.policy.version());
        assertThat(d.factsHash()).isEqualTo("hash-" + row.facts.nodeId);
        assertThat(d.planId()).isNull();
    }

    @Test
    void everyImmutableOrUnknownNodeRejectsTheAgentWorkarounds() {
        for (Facts f : List.of(
                Facts.talos(),
                Facts.flatcar(),
                Facts.kairos(),
                Facts.bootc(),
                Facts.fedoraIot(),
                Facts.bottlerocket(),
                Facts.unknown())) {
            Decision d = ENGINE.decide(f.build(), SEED, Instant.EPOCH);
            assertThat(d.rejected())
                    .extracting(RejectedRoute::route)
                    .contains("DIRECT_AGENT", "SYSEXT", "STATIC_BINARY");
        }
        Decision ubuntu = ENGINE.decide(Facts.ubuntu().build(), SEED, Instant.EPOCH);
        assertThat(ubuntu.rejected()).extracting(RejectedRoute::route).doesNotContain("SYSEXT", "STATIC_BINARY");
    }

    @Test
    void providedCapabilitiesAreTheRequiredOnesTheRouteDelivers() {
        Decision iot = ENGINE.decide(
                Facts.flatcar()
                        .deviceClass(DeviceClass.EDGE_GATEWAY)
                        .cluster("c", "k3s")
                        .build(),
                SEED,
                Instant.EPOCH);
        assertThat(iot.capabilities().provided()).containsExactlyInAnyOrder(EDGE_DATA, MONITOR, POLICY);
        Decision vm = ENGINE.decide(
                Facts.talos()
                        .requires(EXTENSIONS, Capability.GITOPS)
                        .cluster("c", "talos")
                        .kubevirt()
                        .build(),
                SEED,
                Instant.EPOCH);
        assertThat(vm.route()).isEqualTo(Route.COMPANION_VM);
        assertThat(vm.capabilities().provided()).contains(EXTENSIONS, INVENTORY).doesNotContain(Capability.GITOPS);
        assertThat(vm.capabilities().missing()).containsExactly(Capability.GITOPS);
        assertThat(vm.degraded()).isTrue();
        assertThat(vm.reasons()).containsExactly("NOT_PROVIDED_BY_ROUTE");
    }

    @Test
    void sameFactsAndPolicyGiveTheSameDecision() {
        var facts = Facts.kairos()
                .deviceClass(DeviceClass.IOT_DEVICE)
                .cluster("linz-k3s", "k3s")
                .build();
        Decision a = ENGINE.decide(facts, SEED, Instant.EPOCH);
        Decision b = ENGINE.decide(facts, SEED, Instant.EPOCH);
        assertThat(a).isEqualTo(b);
    }
}
