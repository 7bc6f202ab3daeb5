package dev.arcfleet.executor.route.iotops;

import dev.arcfleet.contracts.OnboardingPlan;
import dev.arcfleet.contracts.Route;
import dev.arcfleet.executor.route.ApiVersions;
import dev.arcfleet.executor.route.ArmRequest;
import dev.arcfleet.executor.route.AzureTarget;
import dev.arcfleet.executor.route.Names;
import dev.arcfleet.executor.route.RouteSteps;
import dev.arcfleet.executor.route.StepSpec;
import dev.arcfleet.executor.route.WaitFor;
import dev.arcfleet.executor.route.arck8s.ArcK8sSteps;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Azure IoT Operations on a cluster that is already Arc-enabled and connected. */
public class IotOperationsSteps implements RouteSteps {
    public static final String NAMESPACE = "azure-iot-operations";
    public static final String SCHEMA_REGISTRY_API = "2024-09-01-preview";
    public static final Duration PRECONDITION_TIMEOUT = Duration.ofMinutes(2);
    public static final Duration PROVISIONING_TIMEOUT = Duration.ofMinutes(30);

    @Override
    public Route route() {
        return Route.IOT_OPERATIONS;
    }

    @Override
    public List<StepSpec> steps(OnboardingPlan plan, AzureTarget azure) {
        String clusterId = plan.target().id();
        String ccId = ArcK8sSteps.connectedClusterId(azure, clusterId);
        String base = Names.dns(clusterId, 40);
        String schemaRegistryId = azure.providerResourceId("Microsoft.DeviceRegistry", "schemaRegistries", base + "-schemas");
        String customLocationId = azure.providerResourceId("Microsoft.ExtendedLocation", "customLocations", base + "-cl");
        String instanceId = azure.providerResourceId("Microsoft.IoTOperations", "instances", base + "-aio");
        String extensions = ccId + "/providers/Microsoft.KubernetesConfiguration/extensions/";
        return List.of(
                StepSpec.await("require-connected-cluster", WaitFor.arm(ccId, ApiVersions.CONNECTED_CLUSTERS,
                        "properties.connectivityStatus", "Connected", PRECONDITION_TIMEOUT)),
                StepSpec.arm("extension-platform", ArcK8sSteps.extension(ccId, "microsoft.iotoperations.platform")),
                StepSpec.arm("extension-secret-store", ArcK8sSteps.extension(ccId, "microsoft.azure.secretstore")),
                StepSpec.arm("extension-container-storage", ArcK8sSteps.extension(ccId, "microsoft.arc.containerstorage")),
                StepSpec.arm("schema-registry", ArmRequest.put(schemaRegistryId, SCHEMA_REGISTRY_API, Map.of(
                        "location", azure.location(),
                        "identity", Map.of("type", "SystemAssigned"),
                        "properties", Map.of("namespace", base + "-schemas")))),
                StepSpec.arm("extension-iot-operations", ArcK8sSteps.extension(ccId, "microsoft.iotoperations")),
                StepSpec.arm("custom-location", ArmRequest.put(customLocationId, ApiVersions.CUSTOM_LOCATIONS, Map.of(
                        "location", azure.location(),
                        "properties", Map.of(
                                "hostResourceId", ccId,
                                "namespace", NAMESPACE,
                                "clusterExtensionIds", List.of(extensions + "iotoperations-platform",
                                        extensions + "iotoperations"))))),
                StepSpec.arm("iot-operations-instance", ArmRequest.put(instanceId, ApiVersions.IOT_OPERATIONS, Map.of(
                        "location", azure.location(),
                        "extendedLocation", Map.of("type", "CustomLocation", "name", customLocationId),
                        "properties", Map.of("schemaRegistryRef", Map.of("resourceId", schemaRegistryId))))),
                StepSpec.await("await-instance-provisioned", WaitFor.arm(instanceId, ApiVersions.IOT_OPERATIONS,
                        "properties.provisioningState", "Succeeded", PROVISIONING_TIMEOUT)));
    }
}
