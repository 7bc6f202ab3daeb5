package dev.arcfleet.executor.route.iotops;

import dev.arcfleet.contracts.OnboardingPlan;
import dev.arcfleet.contracts.Route;
import dev.arcfleet.executor.route.ApiVersions;
import dev.arcfleet.executor.route.ArmRequest;
import dev.arcfleet.executor.route.AzureTarget;
import dev.arcfleet.executor.route.Names;
import dev.arcfleet.executor.route.Placeholders;
import dev.arcfleet.executor.route.RouteSteps;
import dev.arcfleet.executor.route.StepSpec;
import dev.arcfleet.executor.route.WaitFor;
import dev.arcfleet.executor.route.arck8s.ArcK8sSteps;
import dev.arcfleet.executor.route.arck8s.Extensions;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Azure IoT Operations on a cluster that is Arc-enabled and connected, as {@code az iot ops init} and
 * {@code az iot ops create} (v1.7.0) build it (docs/azure-contract.md, "IoT Operations"): the cluster's OIDC issuer and
 * workload identity and the resource providers checked before any write; the platform (cert-manager), secret store and
 * container storage extensions; a schema registry on a hierarchical-namespace storage container with its role
 * assignment; the {@code microsoft.iotoperations} extension with Contributor on the registry; the custom location bound
 * to the cluster and those extensions; the instance on it; and the default broker, authentication, listener, dataflow
 * profile and dataflow endpoint.
 */
public class IotOperationsSteps implements RouteSteps {
    public static final String NAMESPACE = "azure-iot-operations";
    public static final Duration PRECONDITION_TIMEOUT = Duration.ofMinutes(2);
    public static final Duration PROVISIONING_TIMEOUT = Duration.ofMinutes(30);
    /**
     * For what an operator sets up (a provider registration, the cluster's OIDC issuer): the failure says the command,
     * and a short wait covers a change that is under way.
     */
    private final Duration operatorCheckTimeout;

    public IotOperationsSteps(Duration operatorCheckTimeout) {
        this.operatorCheckTimeout = operatorCheckTimeout;
    }
    /** Checked registered before any write ({@code az iot ops} checks the first three; the custom location needs the last). */
    public static final List<String> PROVIDERS = List.of(
            "Microsoft.IoTOperations",
            "Microsoft.DeviceRegistry",
            "Microsoft.SecretSyncController",
            "Microsoft.ExtendedLocation");

    static final String STORAGE_BLOB_DATA_CONTRIBUTOR = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
    static final String CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c";
    static final String BROKER_ADDRESS = "mqtts://aio-broker." + NAMESPACE + ":18883";
    static final String ISSUER = NAMESPACE + "-aio-certificate-issuer";
    static final String TRUST_BUNDLE = NAMESPACE + "-aio-ca-trust-bundle";

    public static final Extensions.Extension PLATFORM = new Extensions.Extension(
            "azure-iot-operations-platform",
            "microsoft.iotoperations.platform",
            "preview",
            "0.7.21",
            false,
            "cert-manager",
            Map.of("installCertManager", "true", "installTrustManager", "true"),
            Map.of());
    public static final Extensions.Extension SECRET_STORE = new Extensions.Extension(
            "azure-secret-store",
            "microsoft.azure.secretstore",
            "preview",
            "0.9.4",
            true,
            null,
            Map.of("rotationPollIntervalInSeconds", "120", "validatingAdmissionPolicies.applyPolicies", "false"),
            Map.of());
    public static final Extensions.Extension CONTAINER_STORAGE = new Extensions.Extension(
            "azure-arc-containerstorage",
            "microsoft.arc.containerstorage",
            "stable",
            "2.5.3",
            true,
            null,
            Map.of("edgeStorageConfiguration.create", "true", "feature.diskStorageClass", "default,local-path"),
            Map.of());
    public static final Extensions.Extension IOT_OPERATIONS = new Extensions.Extension(
            "azure-iot-operations",
            "microsoft.iotoperations",
            "stable",
            "1.1.59",
            true,
            NAMESPACE,
            iotOperationsSettings(),
            Map.of());

    private static Map<String, String> iotOperationsSettings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("AgentOperationTimeoutInMinutes", "120");
        s.put("connectors.values.mqttBroker.address", BROKER_ADDRESS);
        s.put("connectors.values.mqttBroker.serviceAccountTokenAudience", "aio-internal");
        s.put("schemaRegistry.values.mqttBroker.host", BROKER_ADDRESS);
        s.put("schemaRegistry.values.mqttBroker.serviceAccountTokenAudience", "aio-internal");
        s.put("observability.metrics.enabled", "false");
        s.put("trustSource", "SelfSigned");
        s.put("trustBundleSettings.issuer.name", ISSUER);
        return Map.copyOf(s);
    }

    @Override
    public Route route() {
        return Route.IOT_OPERATIONS;
    }

    @Override
    public List<StepSpec> steps(OnboardingPlan plan, AzureTarget azure) {
        String clusterId = plan.target().id();
        String ccId = ArcK8sSteps.connectedClusterId(azure, clusterId);
        String base = Names.dns(clusterId, 40);
        String hash = shortHash(azure.subscriptionId() + "/" + azure.resourceGroup() + "/" + clusterId);
        String storageId = azure.providerResourceId("Microsoft.Storage", "storageAccounts", "afo" + hash);
        String containerName = Names.dns("schemas-" + base, 63);
        String containerId = storageId + "/blobServices/default/containers/" + containerName;
        String schemaRegistryId =
                azure.providerResourceId("Microsoft.DeviceRegistry", "schemaRegistries", base + "-schemas");
        String customLocationId =
                azure.providerResourceId("Microsoft.ExtendedLocation", "customLocations", base + "-cl");
        String instanceId = azure.providerResourceId("Microsoft.IoTOperations", "instances", base + "-aio");
        String iotExtensionId = Extensions.extensionId(ccId, IOT_OPERATIONS.name());
        Map<String, Object> extendedLocation = Map.of("name", customLocationId, "type", "CustomLocation");

        List<StepSpec> steps = new ArrayList<>();
        steps.add(StepSpec.await(
                "require-connected-cluster",
                WaitFor.arm(
                        ccId,
                        ApiVersions.CONNECTED_CLUSTERS,
                        "properties.connectivityStatus",
                        "Connected",
                        PRECONDITION_TIMEOUT)));
        steps.add(
                StepSpec.await(
                        "require-oidc-issuer",
                        WaitFor.arm(
                                        ccId,
                                        ApiVersions.CONNECTED_CLUSTERS,
                                        "properties.oidcIssuerProfile.enabled",
                                        "true",
                                        operatorCheckTimeout)
                                .withHint(
                                        "IoT Operations needs the cluster's OIDC issuer: its Arc plan enables it when it carries EDGE_DATA"
                                                + " (az connectedk8s update --enable-oidc-issuer --enable-workload-identity)")));
        steps.add(
                StepSpec.await(
                        "require-workload-identity",
                        WaitFor.arm(
                                        ccId,
                                        ApiVersions.CONNECTED_CLUSTERS,
                                        "properties.securityProfile.workloadIdentity.enabled",
                                        "true",
                                        operatorCheckTimeout)
                                .withHint(
                                        "IoT Operations needs workload identity on the cluster (az connectedk8s update --enable-workload-identity)")));
        for (String provider : PROVIDERS) {
            steps.add(StepSpec.await(
                    "require-provider-" + Names.slug(provider, 50),
                    WaitFor.arm(
                                    "/subscriptions/" + azure.subscriptionId() + "/providers/" + provider,
                                    ApiVersions.RESOURCE_PROVIDERS,
                                    "registrationState",
                                    "Registered",
                                    operatorCheckTimeout)
                            .withHint("the subscription is not registered for resource provider " + provider
                                    + ": az provider register --namespace " + provider)));
        }
        steps.add(StepSpec.arm("extension-platform", Extensions.put(ccId, PLATFORM)));
        steps.add(StepSpec.arm("extension-secret-store", Extensions.put(ccId, SECRET_STORE)));
        steps.add(StepSpec.arm("extension-container-storage", Extensions.put(ccId, CONTAINER_STORAGE)));
        steps.add(StepSpec.arm(
                "schema-registry-storage",
                ArmRequest.put(
                        storageId,
                        ApiVersions.STORAGE_ACCOUNTS,
                        Map.of(
                                "location", azure.location(),
                                "kind", "StorageV2",
                                "sku", Map.of("name", "Standard_LRS"),
                                "properties",
                                        Map.of(
                                                "isHnsEnabled",
                                                true,
                                                "allowBlobPublicAccess",
                                                false,
                                                "minimumTlsVersion",
                                                "TLS1_2",
                                                "supportsHttpsTrafficOnly",
                                                true)))));
        steps.add(StepSpec.arm(
                "schema-registry-container",
                ArmRequest.put(
                        containerId,
                        ApiVersions.STORAGE_ACCOUNTS,
                        Map.of("properties", Map.of("publicAccess", "None")))));
        steps.add(StepSpec.arm(
                "schema-registry",
                ArmRequest.put(
                        schemaRegistryId,
                        ApiVersions.SCHEMA_REGISTRIES,
                        Map.of(
                                "location", azure.location(),
                                "identity", Map.of("type", "SystemAssigned"),
                                "properties",
                                        Map.of(
                                                "namespace",
                                                Names.dns(base, 24) + "-" + hash.substring(0, 6),
                                                "storageAccountContainerUrl",
                                                "https://afo" + hash + ".blob.core.windows.net/" + containerName)))));
        steps.add(StepSpec.arm(
                "schema-registry-storage-role",
                roleAssignment(
                        azure,
                        containerId,
                        STORAGE_BLOB_DATA_CONTRIBUTOR,
                        schemaRegistryId,
                        ApiVersions.SCHEMA_REGISTRIES)));
        steps.add(StepSpec.arm("extension-iot-operations", Extensions.put(ccId, IOT_OPERATIONS)));
        steps.add(StepSpec.arm(
                "iot-operations-schema-registry-role",
                roleAssignment(azure, schemaRegistryId, CONTRIBUTOR, iotExtensionId, ApiVersions.CLUSTER_EXTENSIONS)));
        steps.add(StepSpec.arm(
                "custom-location",
                ArmRequest.put(
                        customLocationId,
                        ApiVersions.CUSTOM_LOCATIONS,
                        Map.of(
                                "location", azure.location(),
                                "properties",
                                        Map.of(
                                                "hostType",
                                                "Kubernetes",
                                                "hostResourceId",
                                                ccId,
                                                "namespace",
                                                NAMESPACE,
                                                "displayName",
                                                base + "-cl",
                                                "clusterExtensionIds",
                                                List.of(
                                                        Extensions.extensionId(ccId, PLATFORM.name()),
                                                        Extensions.extensionId(ccId, SECRET_STORE.name()),
                                                        iotExtensionId))))));
        steps.add(StepSpec.arm(
                "iot-operations-instance",
                ArmRequest.put(
                        instanceId,
                        ApiVersions.IOT_OPERATIONS,
                        Map.of(
                                "location", azure.location(),
                                "extendedLocation", extendedLocation,
                                "properties",
                                        Map.of(
                                                "schemaRegistryRef",
                                                Map.of("resourceId", schemaRegistryId),
                                                "description",
                                                "IoT Operations on " + clusterId)))));
        String broker = instanceId + "/brokers/default";
        steps.add(StepSpec.arm(
                "broker",
                ArmRequest.put(
                        broker,
                        ApiVersions.IOT_OPERATIONS,
                        Map.of(
                                "extendedLocation",
                                extendedLocation,
                                "properties",
                                Map.of(
                                        "memoryProfile",
                                        "Medium",
                                        "generateResourceLimits",
                                        Map.of("cpu", "Disabled"),
                                        "cardinality",
                                        Map.of(
                                                "backendChain",
                                                        Map.of("partitions", 2, "workers", 2, "redundancyFactor", 2),
                                                "frontend", Map.of("replicas", 2, "workers", 2)))))));
        steps.add(StepSpec.arm(
                "broker-authentication",
                ArmRequest.put(
                        broker + "/authentications/default",
                        ApiVersions.IOT_OPERATIONS,
                        Map.of(
                                "extendedLocation",
                                extendedLocation,
                                "properties",
                                Map.of(
                                        "authenticationMethods",
                                        List.of(Map.of(
                                                "method",
                                                "ServiceAccountToken",
                                                "serviceAccountTokenSettings",
                                                Map.of("audiences", List.of("aio-internal")))))))));
        steps.add(StepSpec.arm(
                "broker-listener",
                ArmRequest.put(
                        broker + "/listeners/default",
                        ApiVersions.IOT_OPERATIONS,
                        Map.of(
                                "extendedLocation",
                                extendedLocation,
                                "properties",
                                Map.of(
                                        "serviceType", "ClusterIp",
                                        "serviceName", "aio-broker",
                                        "ports",
                                                List.of(Map.of(
                                                        "port",
                                                        18883,
                                                        "authenticationRef",
                                                        "default",
                                                        "tls",
                                                        Map.of(
                                                                "mode",
                                                                "Automatic",
                                                                "certManagerCertificateSpec",
                                                                Map.of(
                                                                        "issuerRef",
                                                                        Map.of(
                                                                                "name",
                                                                                ISSUER,
                                                                                "kind",
                                                                                "ClusterIssuer",
                                                                                "group",
                                                                                "cert-manager.io"))))))))));
        steps.add(StepSpec.arm(
                "dataflow-profile",
                ArmRequest.put(
                        instanceId + "/dataflowProfiles/default",
                        ApiVersions.IOT_OPERATIONS,
                        Map.of("extendedLocation", extendedLocation, "properties", Map.of("instanceCount", 1)))));
        steps.add(StepSpec.arm(
                "dataflow-endpoint",
                ArmRequest.put(
                        instanceId + "/dataflowEndpoints/default",
                        ApiVersions.IOT_OPERATIONS,
                        Map.of(
                                "extendedLocation",
                                extendedLocation,
                                "properties",
                                Map.of(
                                        "endpointType",
                                        "Mqtt",
                                        "mqttSettings",
                                        Map.of(
                                                "host",
                                                "aio-broker:18883",
                                                "authentication",
                                                Map.of(
                                                        "method",
                                                        "ServiceAccountToken",
                                                        "serviceAccountTokenSettings",
                                                        Map.of("audience", "aio-internal")),
                                                "tls",
                                                Map.of(
                                                        "mode",
                                                        "Enabled",
                                                        "trustedCaCertificateConfigMapRef",
                                                        TRUST_BUNDLE)))))));
        steps.add(StepSpec.await(
                "await-instance-provisioned",
                WaitFor.arm(
                        instanceId,
                        ApiVersions.IOT_OPERATIONS,
                        "properties.provisioningState",
                        "Succeeded",
                        PROVISIONING_TIMEOUT)));
        return steps;
    }

    /**
     * Removes what {@link #steps} built, in the order of {@code az iot ops delete --include-deps}
     * (docs/offboarding-sources.md, section 4): the instance's children deepest first (listener and authentication,
     * then broker, dataflow endpoint and profile), the instance, the custom location, then the extensions (IoT
     * Operations with its role on the registry, container storage, secret store, platform). The schema registry, its
     * storage container and account, and their role assignment go last: {@code az iot ops delete} leaves them, but this
     * route created them under names only it derives from the target. A DELETE of what is already gone is skipped.
     */
    @Override
    public List<StepSpec> offboardingSteps(OnboardingPlan plan, AzureTarget azure) {
        Ids ids = new Ids(plan, azure);
        String broker = ids.instanceId + "/brokers/default";
        String iotExtensionId = Extensions.extensionId(ids.ccId, IOT_OPERATIONS.name());
        List<StepSpec> steps = new ArrayList<>();
        steps.add(delete("delete-broker-listener", broker + "/listeners/default", ApiVersions.IOT_OPERATIONS));
        steps.add(delete(
                "delete-broker-authentication", broker + "/authentications/default", ApiVersions.IOT_OPERATIONS));
        steps.add(delete("delete-broker", broker, ApiVersions.IOT_OPERATIONS));
        steps.add(delete(
                "delete-dataflow-endpoint", ids.instanceId + "/dataflowEndpoints/default", ApiVersions.IOT_OPERATIONS));
        steps.add(delete(
                "delete-dataflow-profile", ids.instanceId + "/dataflowProfiles/default", ApiVersions.IOT_OPERATIONS));
        steps.add(delete("delete-iot-operations-instance", ids.instanceId, ApiVersions.IOT_OPERATIONS));
        steps.add(delete("delete-custom-location", ids.customLocationId, ApiVersions.CUSTOM_LOCATIONS));
        steps.add(delete(
                "delete-iot-operations-schema-registry-role",
                roleAssignment(azure, ids.schemaRegistryId, CONTRIBUTOR, iotExtensionId, ApiVersions.CLUSTER_EXTENSIONS)
                        .resourceId(),
                ApiVersions.ROLE_ASSIGNMENTS));
        steps.add(delete("delete-extension-iot-operations", iotExtensionId, ApiVersions.CLUSTER_EXTENSIONS));
        steps.add(delete(
                "delete-extension-container-storage",
                Extensions.extensionId(ids.ccId, CONTAINER_STORAGE.name()),
                ApiVersions.CLUSTER_EXTENSIONS));
        steps.add(delete(
                "delete-extension-secret-store",
                Extensions.extensionId(ids.ccId, SECRET_STORE.name()),
                ApiVersions.CLUSTER_EXTENSIONS));
        steps.add(delete(
                "delete-extension-platform",
                Extensions.extensionId(ids.ccId, PLATFORM.name()),
                ApiVersions.CLUSTER_EXTENSIONS));
        steps.add(delete(
                "delete-schema-registry-storage-role",
                roleAssignment(
                                azure,
                                ids.containerId,
                                STORAGE_BLOB_DATA_CONTRIBUTOR,
                                ids.schemaRegistryId,
                                ApiVersions.SCHEMA_REGISTRIES)
                        .resourceId(),
                ApiVersions.ROLE_ASSIGNMENTS));
        steps.add(delete("delete-schema-registry", ids.schemaRegistryId, ApiVersions.SCHEMA_REGISTRIES));
        steps.add(delete("delete-schema-registry-container", ids.containerId, ApiVersions.STORAGE_ACCOUNTS));
        steps.add(delete("delete-schema-registry-storage", ids.storageId, ApiVersions.STORAGE_ACCOUNTS));
        return steps;
    }

    private static StepSpec delete(String name, String resourceId, String apiVersion) {
        return StepSpec.arm(name, ArmRequest.delete(resourceId, apiVersion));
    }

    /** The ids of what the route builds for one cluster, derived from the plan's target and the Azure target only. */
    private static final class Ids {
        final String ccId;
        final String storageId;
        final String containerId;
        final String schemaRegistryId;
        final String customLocationId;
        final String instanceId;

        Ids(OnboardingPlan plan, AzureTarget azure) {
            String clusterId = plan.target().id();
            ccId = ArcK8sSteps.connectedClusterId(azure, clusterId);
            String base = Names.dns(clusterId, 40);
            String hash = shortHash(azure.subscriptionId() + "/" + azure.resourceGroup() + "/" + clusterId);
            storageId = azure.providerResourceId("Microsoft.Storage", "storageAccounts", "afo" + hash);
            containerId = storageId + "/blobServices/default/containers/" + Names.dns("schemas-" + base, 63);
            schemaRegistryId =
                    azure.providerResourceId("Microsoft.DeviceRegistry", "schemaRegistries", base + "-schemas");
            customLocationId = azure.providerResourceId("Microsoft.ExtendedLocation", "customLocations", base + "-cl");
            instanceId = azure.providerResourceId("Microsoft.IoTOperations", "instances", base + "-aio");
        }
    }

    /**
     * A role assignment of {@code roleDefinition} on {@code scope} to the system-assigned identity of {@code principalOf}.
     * Its name is a UUID derived from scope, role and principal's resource, so a rerun writes the same assignment.
     */
    static ArmRequest roleAssignment(
            AzureTarget azure, String scope, String roleDefinition, String principalOf, String principalApiVersion) {
        String name = UUID.nameUUIDFromBytes((scope + "|" + roleDefinition + "|" + principalOf)
                        .toLowerCase()
                        .getBytes(StandardCharsets.UTF_8))
                .toString();
        return ArmRequest.put(
                scope + "/providers/Microsoft.Authorization/roleAssignments/" + name,
                ApiVersions.ROLE_ASSIGNMENTS,
                Map.of(
                        "properties",
                        Map.of(
                                "roleDefinitionId",
                                "/subscriptions/" + azure.subscriptionId()
                                        + "/providers/Microsoft.Authorization/roleDefinitions/" + roleDefinition,
                                "principalId",
                                Placeholders.arm(principalOf, principalApiVersion, "identity.principalId"),
                                "principalType",
                                "ServicePrincipal")));
    }

    /** 21 hex characters of SHA-256: a storage account name (3-24 lower-case letters and digits) unique per target. */
    static String shortHash(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)))
                    .substring(0, 21);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }
}
