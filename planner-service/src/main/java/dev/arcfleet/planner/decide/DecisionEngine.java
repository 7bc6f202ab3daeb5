package dev.arcfleet.planner.decide;

import dev.arcfleet.contracts.Capability;
import dev.arcfleet.contracts.CapabilitySet;
import dev.arcfleet.contracts.Decision;
import dev.arcfleet.contracts.HostFacts;
import dev.arcfleet.contracts.Mutability;
import dev.arcfleet.contracts.NodeFacts;
import dev.arcfleet.contracts.RejectedRoute;
import dev.arcfleet.contracts.Route;
import dev.arcfleet.contracts.Target;
import dev.arcfleet.contracts.TargetKind;
import dev.arcfleet.contracts.Virtualization;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The decision rules of docs/architecture.md#decision-rules, in order, first match wins. Pure: same facts and policy,
 * same decision (apart from {@code decidedAt}); no I/O, no framework. The decision's {@code planId} and
 * {@code dependsOn} are left empty here; the planning service attaches the plan.
 *
 * <p>A route that policy denies for the node falls through to the next rule, and the rationale says which policy rule
 * denied it.
 */
public final class DecisionEngine {

    /** What each route delivers when it works. */
    static final Map<Route, Set<Capability>> OFFERS = new EnumMap<>(Route.class);

    static final Set<Capability> HOST_LEVEL =
            EnumSet.of(Capability.EXTENSIONS, Capability.GUEST_CONFIGURATION, Capability.MACHINE_IDENTITY);

    static {
        Set<Capability> k8s = EnumSet.of(
                Capability.POLICY, Capability.GITOPS, Capability.MONITOR, Capability.DEFENDER, Capability.INVENTORY);
        Set<Capability> iot = EnumSet.copyOf(k8s);
        iot.add(Capability.EDGE_DATA);
        Set<Capability> server = EnumSet.of(
                Capability.POLICY,
                Capability.MONITOR,
                Capability.DEFENDER,
                Capability.INVENTORY,
                Capability.EXTENSIONS,
                Capability.GUEST_CONFIGURATION,
                Capability.MACHINE_IDENTITY);
        OFFERS.put(Route.ARC_K8S, k8s);
        OFFERS.put(Route.IOT_OPERATIONS, iot);
        OFFERS.put(Route.COMPANION_VM, server);
        OFFERS.put(Route.DIRECT_AGENT, server);
        OFFERS.put(Route.BLOCKED, EnumSet.noneOf(Capability.class));
    }

    public Decision decide(NodeFacts facts, Policy policy, Instant decidedAt) {
        return new Evaluation(facts, policy).decide(decidedAt);
    }

    /** The routes the rules can take, in the order they are reported as rejected. */
    private static final List<Route> ROUTES =
            List.of(Route.ARC_K8S, Route.COMPANION_VM, Route.IOT_OPERATIONS, Route.DIRECT_AGENT);

    private static final class Evaluation {
        final NodeFacts f;
        final Policy policy;
        final Set<Capability> required = EnumSet.noneOf(Capability.class);
        final List<String> rationale = new ArrayList<>();
        final Map<Route, String> deniedBy = new EnumMap<>(Route.class);
        final boolean inCluster;
        final Mutability mutability;
        final boolean virtualization;
        final List<String> vmProblems;
        final List<String> iotProblems;
        boolean sawDenial;

        Evaluation(NodeFacts f, Policy policy) {
            this.f = f;
            this.policy = policy;
            inCluster = f.clusterId() != null && !f.clusterId().isBlank();
            mutability = f.os() == null || f.os().mutability() == null ? Mutability.UNKNOWN : f.os().mutability();
            Set<Capability> own =
                    f.requiredCapabilities() == null || f.requiredCapabilities().isEmpty()
                            ? EnumSet.noneOf(Capability.class)
                            : EnumSet.copyOf(f.requiredCapabilities());
            Set<Capability> defaults = policy.defaultsFor(f.deviceClass());
            required.addAll(own);
            required.addAll(defaults);
            rationale.add("requires " + names(required) + " (device class " + deviceClass() + " defaults "
                    + names(defaults) + (own.isEmpty() ? "" : "; the node asks for " + names(own)) + ")");
            for (Policy.RouteRule rule : policy.routeRules()) {
                if (rule.matches(f.site(), f.labels())) {
                    for (Route r : ROUTES) {
                        if (rule.denies(r)) {
                            deniedBy.putIfAbsent(r, rule.describe());
                        }
                    }
                }
            }
            virtualization = hasVirtualization(f.virtualization());
            vmProblems = companionProblems();
            iotProblems = iotProblems();
        }

        Decision decide(Instant at) {
            Choice c = rules();
            return new Decision(
                    f.nodeId(),
                    c.route,
                    c.target,
                    c.degraded(),
                    List.copyOf(c.reasons),
                    List.copyOf(rationale),
                    c.capabilities,
                    rejected(c.route),
                    null,
                    List.of(),
                    policy.version(),
                    f.factsHash(),
                    at);
        }

        private Choice rules() {
            // Rule 1: EDGE_DATA needs IoT Operations on a cluster.
            if (required.contains(Capability.EDGE_DATA)) {
                if (!inCluster) {
                    rationale.add(
                            "EDGE_DATA needs Azure IoT Operations, which runs on Kubernetes, and the node is in no cluster");
                    return blocked(List.of("NO_KUBERNETES"));
                }
                if (iotProblems.isEmpty()) {
                    if (allowed(Route.IOT_OPERATIONS)) {
                        rationale.add("EDGE_DATA: Azure IoT Operations on cluster " + f.clusterId()
                                + ", after the cluster is Arc-enabled");
                        return choose(Route.IOT_OPERATIONS, cluster(), List.of());
                    }
                } else if (allowed(Route.ARC_K8S)) {
                    rationale.add("EDGE_DATA is not possible here: " + describeIot()
                            + "; the cluster is Arc-enabled without it");
                    return choose(Route.ARC_K8S, cluster(), iotProblems);
                }
            }
            // Rule 2: a mutable OS takes the agent directly.
            if (mutability == Mutability.MUTABLE) {
                if (allowed(Route.DIRECT_AGENT)) {
                    rationale.add("the OS (" + osName()
                            + ") is mutable and supported by azcmagent: install the agent directly");
                    return choose(Route.DIRECT_AGENT, node(), List.of());
                }
            } else {
                rationale.add(
                        mutability == Mutability.UNKNOWN
                                ? "the OS could not be identified, so it is not assumed mutable: no direct agent"
                                : "the OS (" + osName() + ") is immutable: azcmagent cannot be installed on the host");
            }
            // Rule 3: host-level capabilities need a full Arc-enabled server, i.e. a companion VM.
            Set<Capability> hostLevel = EnumSet.noneOf(Capability.class);
            required.stream().filter(HOST_LEVEL::contains).forEach(hostLevel::add);
            if (!hostLevel.isEmpty()) {
                if (vmProblems.isEmpty() && allowed(Route.COMPANION_VM)) {
                    rationale.add(names(hostLevel) + " need an Arc-enabled server: a companion VM on this host ("
                            + describeVirtualization() + ")");
                    return choose(Route.COMPANION_VM, node(), List.of());
                }
                List<String> why = vmProblems.isEmpty() ? List.of("ROUTE_NOT_ALLOWED_BY_POLICY") : vmProblems;
                rationale.add(names(hostLevel) + " need a companion VM, which is not possible: " + describeVm(why));
                if (inCluster && allowed(Route.ARC_K8S)) {
                    rationale.add("cluster " + f.clusterId() + " is Arc-enabled instead, without " + names(hostLevel));
                    return choose(Route.ARC_K8S, cluster(), why);
                }
                List<String> reasons = new ArrayList<>(why);
                reasons.add(inCluster ? "ROUTE_NOT_ALLOWED_BY_POLICY" : "NO_KUBERNETES");
                if (!inCluster) {
                    rationale.add("the node is in no Kubernetes cluster either");
                }
                return blocked(distinct(reasons));
            }
            // Rule 4: a cluster node is covered by Arc-enabled Kubernetes.
            if (inCluster && allowed(Route.ARC_K8S)) {
                rationale.add("the node is in Kubernetes cluster " + f.clusterId() + ": Arc-enable the cluster");
                return choose(Route.ARC_K8S, cluster(), List.of());
            }
            // Rule 5: otherwise a companion VM, or nothing.
            if (vmProblems.isEmpty() && allowed(Route.COMPANION_VM)) {
                rationale.add((inCluster ? "" : "the node is in no Kubernetes cluster; ")
                        + "a companion VM on this host (" + describeVirtualization() + ") runs the agent");
                return choose(Route.COMPANION_VM, node(), List.of());
            }
            List<String> reasons = new ArrayList<>();
            if (!inCluster) {
                reasons.add("NO_KUBERNETES");
                rationale.add("the node is in no Kubernetes cluster");
            } else {
                reasons.add("ROUTE_NOT_ALLOWED_BY_POLICY");
            }
            List<String> why = vmProblems.isEmpty() ? List.of("ROUTE_NOT_ALLOWED_BY_POLICY") : vmProblems;
            rationale.add("a companion VM is not possible: " + describeVm(why));
            reasons.addAll(why);
            if (mutability == Mutability.UNKNOWN) {
                reasons.add("UNKNOWN_OS");
            }
            return blocked(distinct(reasons));
        }

        private boolean allowed(Route route) {
            String rule = deniedBy.get(route);
            if (rule == null) {
                return true;
            }
            sawDenial = true;
            rationale.add(route + " is denied by " + rule + "; trying the next rule");
            return false;
        }

        private Choice choose(Route route, Target target, List<String> reasons) {
            Set<Capability> offers = OFFERS.get(route);
            Set<Capability> provided = EnumSet.noneOf(Capability.class);
            Set<Capability> missing = EnumSet.noneOf(Capability.class);
            for (Capability c : required) {
                (offers.contains(c) ? provided : missing).add(c);
            }
            List<String> why = new ArrayList<>(reasons);
            if (!missing.isEmpty()) {
                rationale.add(route + " does not provide " + names(missing));
                if (why.isEmpty()) {
                    why.add(sawDenial ? "ROUTE_NOT_ALLOWED_BY_POLICY" : "NOT_PROVIDED_BY_ROUTE");
                }
            }
            return new Choice(
                    route,
                    target,
                    missing.isEmpty() ? List.of() : why,
                    new CapabilitySet(List.copyOf(provided), List.copyOf(missing)));
        }

        private Choice blocked(List<String> reasons) {
            rationale.add("BLOCKED: " + String.join(", ", reasons));
            return new Choice(Route.BLOCKED, node(), reasons, new CapabilitySet(List.of(), List.copyOf(required)));
        }

        private List<RejectedRoute> rejected(Route chosen) {
            List<RejectedRoute> out = new ArrayList<>();
            for (Route r : ROUTES) {
                if (r == chosen || (r == Route.ARC_K8S && chosen == Route.IOT_OPERATIONS)) {
                    continue; // IoT Operations runs on top of the cluster's ARC_K8S plan, which is not rejected
                }
                out.add(new RejectedRoute(r.name(), whyNot(r)));
            }
            if (mutability != Mutability.MUTABLE) {
                out.add(new RejectedRoute("SYSEXT", List.of("AGENT_NEEDS_WRITABLE_STATE")));
                out.add(new RejectedRoute("STATIC_BINARY", List.of("AGENT_IS_MULTI_COMPONENT")));
            }
            return out;
        }

        private List<String> whyNot(Route r) {
            List<String> reasons = new ArrayList<>();
            switch (r) {
                case DIRECT_AGENT -> {
                    if (mutability == Mutability.UNKNOWN) {
                        reasons.add("UNKNOWN_OS");
                    } else if (mutability == Mutability.IMMUTABLE) {
                        reasons.add("IMMUTABLE_OS");
                        HostFacts h = f.host();
                        if (h != null && Boolean.TRUE.equals(h.readOnlyUsr())) {
                            reasons.add("READ_ONLY_USR");
                        }
                        if (h != null && Boolean.TRUE.equals(h.ostreeBooted())) {
                            reasons.add("OSTREE_BOOTED");
                        }
                        if (h != null
                                && h.packageManager() != null
                                && "none".equalsIgnoreCase(h.packageManager().trim())) {
                            reasons.add("NO_PACKAGE_MANAGER");
                        }
                    } else if (required.contains(Capability.EDGE_DATA)) {
                        reasons.add("EDGE_DATA_REQUIRED");
                    }
                }
                case ARC_K8S -> {
                    if (!inCluster) {
                        reasons.add("NO_KUBERNETES");
                    }
                }
                case IOT_OPERATIONS -> {
                    if (!required.contains(Capability.EDGE_DATA)) {
                        reasons.add("EDGE_DATA_NOT_REQUIRED");
                    } else if (!inCluster) {
                        reasons.add("NO_KUBERNETES");
                    } else {
                        reasons.addAll(iotProblems);
                    }
                }
                case COMPANION_VM -> reasons.addAll(vmProblems);
                default -> {}
            }
            if (deniedBy.containsKey(r)) {
                reasons.add("ROUTE_NOT_ALLOWED_BY_POLICY");
            }
            if (reasons.isEmpty()) {
                Set<Capability> missing = EnumSet.copyOf(required);
                missing.removeAll(OFFERS.get(r));
                reasons.add(missing.isEmpty() ? "LOWER_PRECEDENCE" : "MISSING_CAPABILITIES");
            }
            return List.copyOf(reasons);
        }

        /**
         * The executor builds companion VMs as KubeVirt {@code VirtualMachine}s through the API server of the node's
         * cluster: a Talos workload VM or a Firecracker host has no such API, and a node in no registered cluster
         * gives the executor no API server to create the VM in.
         */
        private List<String> companionProblems() {
            if (!virtualization) {
                return List.of("NO_VIRTUALIZATION");
            }
            if (!Boolean.TRUE.equals(f.virtualization().kubevirt())) {
                rationale.add("reports " + otherVirtualization() + " only: companion VMs are built with KubeVirt, not "
                        + otherVirtualization());
                return List.of("VIRTUALIZATION_NOT_SUPPORTED");
            }
            if (!inCluster) {
                return List.of("VM_HOST_NOT_IN_CLUSTER");
            }
            return fits(policy.companionVm().minCpuCores(), policy.companionVm().minMemoryMiB(), "a companion VM")
                    ? List.of()
                    : List.of("INSUFFICIENT_HOST_RESOURCES");
        }

        private List<String> iotProblems() {
            if (!required.contains(Capability.EDGE_DATA) || !inCluster) {
                return List.of();
            }
            List<String> problems = new ArrayList<>();
            String arch = f.host() == null ? null : f.host().architecture();
            if (arch == null || arch.isBlank()) {
                rationale.add("host architecture unknown: not held against IoT Operations");
            } else if (!policy.iotOperations()
                    .architectures()
                    .contains(arch.trim().toLowerCase(Locale.ROOT))) {
                problems.add("IOT_OPS_UNSUPPORTED_ARCHITECTURE");
            }
            Policy.IotOperations iot = policy.iotOperations();
            if (!fits(iot.minCpuCores(), iot.minMemoryMiB(), "IoT Operations")) {
                problems.add("IOT_OPS_INSUFFICIENT_RESOURCES");
            }
            return problems;
        }

        /** True unless a reported size is below the minimum; unreported sizes are noted and not held against the host. */
        private boolean fits(int minCores, long minMemoryMiB, String what) {
            HostFacts h = f.host();
            Integer cores = h == null ? null : h.cpuCores();
            Long memory = h == null ? null : h.memoryMiB();
            if (cores == null || memory == null) {
                rationale.add("host "
                        + (cores == null && memory == null
                                ? "CPU cores and memory"
                                : cores == null ? "CPU cores" : "memory")
                        + " unknown: not held against " + what);
            }
            return (cores == null || cores >= minCores) && (memory == null || memory >= minMemoryMiB);
        }

        private String describeIot() {
            Policy.IotOperations iot = policy.iotOperations();
            HostFacts h = f.host();
            List<String> parts = new ArrayList<>();
            if (iotProblems.contains("IOT_OPS_UNSUPPORTED_ARCHITECTURE")) {
                parts.add("architecture " + h.architecture() + " is not one of "
                        + iot.architectures().stream().sorted().toList());
            }
            if (iotProblems.contains("IOT_OPS_INSUFFICIENT_RESOURCES")) {
                parts.add("host has " + size(h) + ", IoT Operations needs " + iot.minCpuCores() + " cores and "
                        + iot.minMemoryMiB() + " MiB");
            }
            return String.join("; ", parts);
        }

        private String describeVm(List<String> why) {
            List<String> parts = new ArrayList<>();
            for (String w : why) {
                switch (w) {
                    case "NO_VIRTUALIZATION" ->
                        parts.add("no KubeVirt, Talos workload VM or Firecracker"
                                + (f.virtualization() == null ? " reported" : ""));
                    case "VIRTUALIZATION_NOT_SUPPORTED" ->
                        parts.add(otherVirtualization()
                                + " is not KubeVirt, the only virtualization companion VMs are built with");
                    case "VM_HOST_NOT_IN_CLUSTER" ->
                        parts.add("KubeVirt is reported but the node is in no registered "
                                + "cluster, so there is no API server to create its VirtualMachine in");
                    case "INSUFFICIENT_HOST_RESOURCES" ->
                        parts.add("host has " + size(f.host()) + ", the policy needs "
                                + policy.companionVm().minCpuCores() + " cores and "
                                + policy.companionVm().minMemoryMiB() + " MiB");
                    default -> parts.add("COMPANION_VM is denied by " + deniedBy.get(Route.COMPANION_VM));
                }
            }
            return String.join("; ", parts);
        }

        /** Only asked once a companion VM was chosen, which takes KubeVirt. */
        private String describeVirtualization() {
            return "KubeVirt, " + size(f.host());
        }

        /** The virtualization reported besides KubeVirt, by name. */
        private String otherVirtualization() {
            Virtualization v = f.virtualization();
            List<String> kinds = new ArrayList<>();
            if (Boolean.TRUE.equals(v.talosWorkloadVm())) {
                kinds.add("a Talos workload VM");
            }
            if (Boolean.TRUE.equals(v.firecracker())) {
                kinds.add("Firecracker");
            }
            return String.join(" and ", kinds);
        }

        private String osName() {
            if (f.os() == null) {
                return "unknown";
            }
            return f.os().family() + (f.os().version() == null ? "" : " " + f.os().version());
        }

        private String deviceClass() {
            return f.deviceClass() == null ? "SERVER" : f.deviceClass().name();
        }

        private Target node() {
            return new Target(TargetKind.NODE, f.nodeId());
        }

        private Target cluster() {
            return new Target(TargetKind.CLUSTER, f.clusterId());
        }
    }

    private record Choice(Route route, Target target, List<String> reasons, CapabilitySet capabilities) {
        boolean degraded() {
            return route != Route.BLOCKED && !capabilities.missing().isEmpty();
        }
    }

    static boolean hasVirtualization(Virtualization v) {
        return v != null
                && (Boolean.TRUE.equals(v.kubevirt())
                        || Boolean.TRUE.equals(v.talosWorkloadVm())
                        || Boolean.TRUE.equals(v.firecracker()));
    }

    private static String size(HostFacts h) {
        if (h == null) {
            return "unknown size";
        }
        return (h.cpuCores() == null ? "? cores" : h.cpuCores() + " cores") + " and "
                + (h.memoryMiB() == null ? "? MiB" : h.memoryMiB() + " MiB");
    }

    private static String names(Set<Capability> caps) {
        return caps.isEmpty() ? "nothing" : caps.stream().map(Enum::name).collect(Collectors.joining(", "));
    }

    private static List<String> distinct(List<String> reasons) {
        return List.copyOf(new LinkedHashSet<>(reasons));
    }
}
