package dev.arcfleet.planner.decide;

import dev.arcfleet.contracts.AzureTarget;
import dev.arcfleet.contracts.Capability;
import dev.arcfleet.contracts.DeviceClass;
import dev.arcfleet.contracts.NodeFacts;
import dev.arcfleet.contracts.Route;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The planner's configuration (docs/architecture.md#policy): what each device class needs by default, how big a
 * host must be to carry a companion VM, what IoT Operations needs, which routes sites or labels allow or deny, and
 * which executable plans are approved automatically ({@code approvalRules}, first match wins; none matching: an
 * operator approves), what happens to an approved plan no rollout selects ({@code rolloutDefault}), and which
 * Azure target a node's plans go to ({@code targetRules}, first match wins; none matching: the executor's default
 * target). {@code version} is recorded on every decision; {@link PolicyDocument} derives it from the declared name and the
 * content, so a changed policy always has a new version.
 */
public record Policy(
        String version,
        Map<DeviceClass, Set<Capability>> deviceClassDefaults,
        HostSize companionVm,
        IotOperations iotOperations,
        List<RouteRule> routeRules,
        List<ApprovalRule> approvalRules,
        RolloutDefault rolloutDefault,
        List<TargetRule> targetRules) {

    /** The rule a policy without an approval section has: every executable plan is approved automatically. */
    public static final ApprovalRule AUTO_APPROVE_ALL =
            new ApprovalRule("auto-approve-all", null, Map.of(), null, null, null, Approve.AUTO);

    /** A policy without approval rules: every executable plan is approved automatically. */
    public Policy(
            String version,
            Map<DeviceClass, Set<Capability>> deviceClassDefaults,
            HostSize companionVm,
            IotOperations iotOperations,
            List<RouteRule> routeRules) {
        this(version, deviceClassDefaults, companionVm, iotOperations, routeRules, List.of(AUTO_APPROVE_ALL));
    }

    /**
     * A policy whose approved plans no rollout selects are released at once, without target rules (every plan goes to
     * the executor's default Azure target).
     */
    public Policy(
            String version,
            Map<DeviceClass, Set<Capability>> deviceClassDefaults,
            HostSize companionVm,
            IotOperations iotOperations,
            List<RouteRule> routeRules,
            List<ApprovalRule> approvalRules) {
        this(
                version,
                deviceClassDefaults,
                companionVm,
                iotOperations,
                routeRules,
                approvalRules,
                RolloutDefault.RELEASE,
                List.of());
    }

    public Policy {
        EnumMap<DeviceClass, Set<Capability>> defaults = new EnumMap<>(DeviceClass.class);
        deviceClassDefaults.forEach((k, v) -> defaults.put(k, v.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(v))));
        deviceClassDefaults = Map.copyOf(defaults);
        routeRules = List.copyOf(routeRules);
        approvalRules = List.copyOf(approvalRules);
        rolloutDefault = rolloutDefault == null ? RolloutDefault.RELEASE : rolloutDefault;
        targetRules = targetRules == null ? List.of() : List.copyOf(targetRules);
    }

    /**
     * What becomes of an approved onboarding that no running rollout selects ({@code rollouts.default} of the policy
     * file): {@code RELEASE} publishes it at once; {@code HOLD} keeps it AWAITING_ROLLOUT until a rollout selects it,
     * unless a revision of the plan was published before or a rollout released it (those are never held by default).
     */
    public enum RolloutDefault {
        RELEASE,
        HOLD
    }

    /** What an approval rule does with the plans it matches. */
    public enum Approve {
        /** Approved at once, recorded with the rule's name. */
        AUTO,
        /** Held in AWAITING_APPROVAL until an operator approves it. */
        MANUAL
    }

    /**
     * Approves the executable plans of nodes matching every field given (null or empty: any): {@code site},
     * {@code labels} (each one), {@code route} (the plan's), {@code osFamily} (the node's detected OS family) and
     * {@code deviceClass}.
     */
    public record ApprovalRule(
            String name,
            String site,
            Map<String, String> labels,
            Route route,
            String osFamily,
            DeviceClass deviceClass,
            Approve approve) {
        public ApprovalRule {
            labels = labels == null ? Map.of() : Map.copyOf(labels);
        }

        public boolean matches(Route planRoute, NodeFacts facts) {
            if (route != null && route != planRoute) {
                return false;
            }
            if (site != null && !site.equals(facts.site())) {
                return false;
            }
            if (osFamily != null
                    && (facts.os() == null
                            || !osFamily.equalsIgnoreCase(facts.os().family()))) {
                return false;
            }
            if (deviceClass != null && deviceClass != facts.deviceClass()) {
                return false;
            }
            for (Map.Entry<String, String> e : labels.entrySet()) {
                if (facts.labels() == null
                        || !e.getValue().equals(facts.labels().get(e.getKey()))) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * The first approval rule matching a plan of {@code route} for the node of {@code facts}; null when none matches
     * (the plan then awaits an operator's approval).
     */
    public ApprovalRule approvalFor(Route route, NodeFacts facts) {
        return approvalRules.stream()
                .filter(r -> r.matches(route, facts))
                .findFirst()
                .orElse(null);
    }

    /**
     * Sends the plans of nodes matching every field given (null or empty: any) to {@code target}: {@code site},
     * {@code labels} (each one) and {@code clusterId} (the node's cluster).
     */
    public record TargetRule(
            String name, String site, Map<String, String> labels, String clusterId, AzureTarget target) {
        public TargetRule {
            labels = labels == null ? Map.of() : Map.copyOf(labels);
        }

        public boolean matches(NodeFacts facts) {
            if (site != null && !site.equals(facts.site())) {
                return false;
            }
            if (clusterId != null && !clusterId.equals(facts.clusterId())) {
                return false;
            }
            for (Map.Entry<String, String> e : labels.entrySet()) {
                if (facts.labels() == null
                        || !e.getValue().equals(facts.labels().get(e.getKey()))) {
                    return false;
                }
            }
            return true;
        }
    }

    /** The Azure target of the first target rule matching the node; null (the executor's default) when none does. */
    public AzureTarget azureTargetFor(NodeFacts facts) {
        return targetRules.stream()
                .filter(r -> r.matches(facts))
                .map(TargetRule::target)
                .findFirst()
                .orElse(null);
    }

    /** Minimum host size; a host whose size is unknown is not held back by it. */
    public record HostSize(int minCpuCores, long minMemoryMiB) {}

    /** Azure IoT Operations prerequisites of a cluster's nodes. */
    public record IotOperations(Set<String> architectures, int minCpuCores, long minMemoryMiB) {
        public IotOperations {
            architectures = Set.copyOf(architectures);
        }
    }

    /**
     * Routes allowed or denied for nodes matching {@code site} (null: any site) and every one of {@code labels}. A route
     * is denied when a matching rule denies it or a matching rule with a non-empty allow list does not list it.
     * BLOCKED cannot be denied.
     */
    public record RouteRule(String name, String site, Map<String, String> labels, Set<Route> allow, Set<Route> deny) {
        public RouteRule {
            labels = labels == null ? Map.of() : Map.copyOf(labels);
            allow = allow == null ? Set.of() : Set.copyOf(allow);
            deny = deny == null ? Set.of() : Set.copyOf(deny);
        }

        public boolean matches(String nodeSite, Map<String, String> nodeLabels) {
            if (site != null && !site.equals(nodeSite)) {
                return false;
            }
            for (Map.Entry<String, String> e : labels.entrySet()) {
                if (nodeLabels == null || !e.getValue().equals(nodeLabels.get(e.getKey()))) {
                    return false;
                }
            }
            return true;
        }

        public boolean denies(Route route) {
            return deny.contains(route) || (!allow.isEmpty() && !allow.contains(route));
        }

        public String describe() {
            if (name != null && !name.isBlank()) {
                return "policy rule '" + name + "'";
            }
            StringBuilder s = new StringBuilder("policy rule for ");
            s.append(site == null ? "any site" : "site " + site);
            if (!labels.isEmpty()) {
                s.append(" with labels ").append(labels);
            }
            return s.toString();
        }
    }

    public Set<Capability> defaultsFor(DeviceClass deviceClass) {
        return deviceClassDefaults.getOrDefault(deviceClass == null ? DeviceClass.SERVER : deviceClass, Set.of());
    }

    /** The seed policy of docs/architecture.md#policy, with no route rules. */
    public static Policy defaults(String version) {
        Map<DeviceClass, Set<Capability>> d = new EnumMap<>(DeviceClass.class);
        Set<Capability> edge = EnumSet.of(Capability.EDGE_DATA, Capability.MONITOR, Capability.POLICY);
        d.put(DeviceClass.EDGE_GATEWAY, edge);
        d.put(DeviceClass.INDUSTRIAL, edge);
        d.put(DeviceClass.IOT_DEVICE, edge);
        d.put(DeviceClass.SERVER, EnumSet.of(Capability.INVENTORY, Capability.POLICY, Capability.MONITOR));
        return new Policy(
                version, d, new HostSize(4, 8192), new IotOperations(Set.of("amd64", "x86_64"), 4, 16384), List.of());
    }
}
