package dev.arcfleet.testsupport.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.arcfleet.testsupport.arm.ArmEmulator;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FleetSimulatorTest {
    static final Duration PERIOD = Duration.ofMillis(20);

    @TempDir
    Path dir;

    @Test
    void aClusterWithNothingToDoIsNotLookedAtAgainUntilSomeoneWritesToIt() throws Exception {
        try (ArmEmulator arm = new ArmEmulator().start();
                MockClusters clusters = MockClusters.start(dir, List.of("c1"));
                FleetSimulator simulator = new FleetSimulator(arm, clusters, PERIOD, true).start()) {
            var client = clusters.client("c1");
            client.namespaces()
                    .resource(new NamespaceBuilder()
                            .withNewMetadata()
                            .withName(FleetSimulator.COMPANION_NAMESPACE)
                            .endMetadata()
                            .build())
                    .create();
            var vms = client.genericKubernetesResources(MockClusters.VIRTUAL_MACHINES)
                    .inNamespace(FleetSimulator.COMPANION_NAMESPACE);
            vms.resource(vm("vm-1", "node-a")).create();

            // KubeVirt cannot place it: no node of that name yet
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> "ErrorUnschedulable"
                            .equals(status(vms.withName("vm-1").get(), "printableStatus")));
            // then its API server goes quiet: fifteen periods in a row without a request (the look that wrote the
            // status is followed by one more that finds nothing to do; before, every period brought three requests)
            int[] seen = {-1};
            await().atMost(Duration.ofSeconds(10))
                    .pollInterval(PERIOD.multipliedBy(15))
                    .until(() -> {
                        int now = clusters.requests("c1");
                        boolean quiet = now == seen[0];
                        seen[0] = now;
                        return quiet;
                    });

            // a write by someone else (the kubelet registers the node): the simulator looks again and boots the VM
            // as far as its missing cloud-init Secret lets it
            clusters.addNode("c1", "node-a");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> simulator.problems().containsKey("vm-1"));
            assertThat(simulator.problems().get("vm-1")).contains("cloud-init found no userdata");
        }
    }

    private static GenericKubernetesResource vm(String name, String node) {
        GenericKubernetesResource vm = new GenericKubernetesResource();
        vm.setApiVersion("kubevirt.io/v1");
        vm.setKind("VirtualMachine");
        vm.setMetadata(new ObjectMetaBuilder()
                .withName(name)
                .withNamespace(FleetSimulator.COMPANION_NAMESPACE)
                .build());
        vm.getAdditionalProperties()
                .put(
                        "spec",
                        Map.of(
                                "running",
                                true,
                                "template",
                                Map.of(
                                        "spec",
                                        Map.of(
                                                "nodeSelector",
                                                Map.of("kubernetes.io/hostname", node),
                                                "volumes",
                                                List.of(),
                                                "domain",
                                                Map.of("devices", Map.of("disks", List.of()))))));
        return vm;
    }

    @SuppressWarnings("unchecked")
    private static Object status(GenericKubernetesResource vm, String key) {
        Object status = vm.getAdditionalProperties().get("status");
        return status instanceof Map<?, ?> map ? ((Map<String, Object>) map).get(key) : null;
    }
}
