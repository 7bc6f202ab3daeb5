package dev.arcfleet.inventory.kube;

import dev.arcfleet.contracts.Capability;
import dev.arcfleet.contracts.ClusterRef;
import dev.arcfleet.contracts.DeviceClass;
import dev.arcfleet.contracts.HostFacts;
import dev.arcfleet.contracts.Registration;
import dev.arcfleet.contracts.Virtualization;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.NodeSystemInfo;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns a Kubernetes {@code Node} into the registration a device in that cluster would have sent: node id
 * {@code <clusterId>/<nodeName>}, OS image, kernel and architecture from {@code status.nodeInfo}, whole CPU cores
 * (rounded down) and MiB (rounded down) from {@code status.capacity}, every label copied (Talos
 * {@code extensions.talos.dev/*} ones included), site, distribution and required capabilities from the cluster.
 * <p>
 * Device class: the cluster's, when it sets one; else {@code EDGE_GATEWAY} for a node labelled
 * {@code node-role.kubernetes.io/edge}; else none (the normalizer's default, {@code SERVER}).
 * <p>
 * Virtualization counts a VM runtime that is there, never a CPU that could host one, because the companion VM
 * route needs the runtime: {@code kubevirt.io/schedulable} (written by KubeVirt's virt-handler) gives
 * {@code kubevirt}. Node Feature Discovery's {@code cpu-cpuid.VMX} / {@code cpu-cpuid.SVM} and
 * {@code kernel-module.kvm} (or {@code kernel-loadedmodule.kvm}) labels only say the host could run VMs, so they
 * never make a runtime available; they stay in the labels for policy and operators, and they settle one case: an
 * x86 host whose CPU features NFD published without VMX, SVM or a loaded kvm module cannot run hardware-accelerated
 * guests, so its virtualization is reported as absent (false) rather than unknown. A node KubeVirt reports
 * schedulable keeps {@code kubevirt=true} even then (KubeVirt can emulate). Nothing in a Node says whether a Talos
 * workload VM or Firecracker is set up, so those stay unknown unless ruled out that way.
 */
public class NodeMapper {
    static final String KUBEVIRT_SCHEDULABLE = "kubevirt.io/schedulable";
    static final String EDGE_ROLE = "node-role.kubernetes.io/edge";
    static final String NFD_CPUID = "feature.node.kubernetes.io/cpu-cpuid.";
    static final Set<String> NFD_KVM_MODULE = Set.of(
            "feature.node.kubernetes.io/kernel-module.kvm", "feature.node.kubernetes.io/kernel-loadedmodule.kvm");
    static final String ARCH_LABEL = "kubernetes.io/arch";
    static final int MAX_NODE_ID = 253;
    private static final BigDecimal MIB = BigDecimal.valueOf(1024L * 1024L);

    public static String nodeId(String clusterId, String nodeName) {
        return clusterId + "/" + nodeName;
    }

    /** @throws IllegalArgumentException when the node has no name or its node id would be too long for the registry */
    public Registration map(ClusterSpec cluster, Node node) {
        String name = node.getMetadata() == null ? null : node.getMetadata().getName();
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a node of cluster " + cluster.id() + " has no name");
        }
        String nodeId = nodeId(cluster.id(), name);
        if (nodeId.length() > MAX_NODE_ID) {
            throw new IllegalArgumentException("node id " + nodeId + " is longer than " + MAX_NODE_ID + " characters");
        }
        Map<String, String> labels = node.getMetadata().getLabels() == null
                ? Map.of()
                : new TreeMap<>(node.getMetadata().getLabels());
        NodeStatus status = node.getStatus();
        NodeSystemInfo info = status == null ? null : status.getNodeInfo();
        Map<String, Quantity> capacity =
                status == null || status.getCapacity() == null ? Map.of() : status.getCapacity();
        String architecture =
                info != null && !isBlank(info.getArchitecture()) ? info.getArchitecture() : labels.get(ARCH_LABEL);

        return new Registration(
                nodeId,
                hostname(node, name),
                cluster.site(),
                deviceClass(cluster, labels),
                null,
                info == null ? null : blankToNull(info.getOsImage()),
                info == null ? null : blankToNull(info.getKernelVersion()),
                host(architecture, cpuCores(capacity.get("cpu")), memoryMiB(capacity.get("memory"))),
                new ClusterRef(cluster.id(), cluster.distribution()),
                virtualization(architecture, labels),
                cluster.requiredCapabilities().stream().map(Capability::name).toList(),
                labels);
    }

    /** Whole cores, rounded down ({@code 3800m} is 3), but at least one when there is any CPU at all. */
    static Integer cpuCores(Quantity cpu) {
        BigDecimal amount = amount(cpu);
        if (amount == null || amount.signum() <= 0) {
            return null;
        }
        return Math.max(1, amount.setScale(0, RoundingMode.FLOOR).intValue());
    }

    /** MiB, rounded down: {@code 16303520Ki} is 15921. */
    static Long memoryMiB(Quantity memory) {
        BigDecimal amount = amount(memory);
        if (amount == null || amount.signum() <= 0) {
            return null;
        }
        long mib = amount.divide(MIB, 0, RoundingMode.FLOOR).longValue();
        return mib > 0 ? mib : null;
    }

    static Virtualization virtualization(String architecture, Map<String, String> labels) {
        Boolean kubevirt = switch (labels.getOrDefault(KUBEVIRT_SCHEDULABLE, "")) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> null;
        };
        if (cannotRunHardwareGuests(architecture, labels)) {
            return new Virtualization(Boolean.TRUE.equals(kubevirt), false, false);
        }
        return kubevirt == null ? null : new Virtualization(kubevirt, null, null);
    }

    private static boolean cannotRunHardwareGuests(String architecture, Map<String, String> labels) {
        boolean x86 = "amd64".equals(architecture) || "x86_64".equals(architecture);
        boolean cpuFeaturesPublished = labels.keySet().stream().anyMatch(k -> k.startsWith(NFD_CPUID));
        boolean capable = "true".equals(labels.get(NFD_CPUID + "VMX"))
                || "true".equals(labels.get(NFD_CPUID + "SVM"))
                || NFD_KVM_MODULE.stream().anyMatch(k -> "true".equals(labels.get(k)));
        return x86 && cpuFeaturesPublished && !capable;
    }

    private static String deviceClass(ClusterSpec cluster, Map<String, String> labels) {
        if (cluster.deviceClass() != null) {
            return cluster.deviceClass().name();
        }
        if (labels.containsKey(EDGE_ROLE) && !"false".equals(labels.get(EDGE_ROLE))) {
            return DeviceClass.EDGE_GATEWAY.name();
        }
        return null;
    }

    private static String hostname(Node node, String name) {
        List<NodeAddress> addresses =
                node.getStatus() == null || node.getStatus().getAddresses() == null
                        ? List.of()
                        : node.getStatus().getAddresses();
        return addresses.stream()
                .filter(a -> "Hostname".equals(a.getType()) && !isBlank(a.getAddress()))
                .map(NodeAddress::getAddress)
                .findFirst()
                .orElse(name);
    }

    private static HostFacts host(String architecture, Integer cores, Long memoryMiB) {
        if (architecture == null && cores == null && memoryMiB == null) {
            return null;
        }
        return new HostFacts(architecture, cores, memoryMiB, null, null, null);
    }

    private static BigDecimal amount(Quantity quantity) {
        if (quantity == null || isBlank(quantity.getAmount())) {
            return null;
        }
        try {
            return quantity.getNumericalAmount();
        } catch (ArithmeticException | IllegalArgumentException e) {
            // a quantity the API server would not have accepted: the fact stays unknown rather than wrong
            return null;
        }
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }

    private static String blankToNull(String s) {
        return isBlank(s) ? null : s.trim();
    }
}
