package dev.arcfleet.testsupport.arm;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

/**
 * What Azure Resource Manager refuses in a PUT body, per resource type and api-version, taken from the published
 * OpenAPI specifications (Azure/azure-rest-api-specs; each rule names its file and commit, and docs/azure-contract.md
 * lists them) and never from the executor: required properties, closed enums, name patterns, and which api-versions
 * the type is published in. The error shape is the common-types {@code ErrorResponse}
 * ({@code {"error":{"code","message","target","details"}}}); the codes in {@code details} are this emulator's names for
 * the kind of violation.
 */
final class ArmSchemas {
    /** One thing wrong with a request body. */
    record Violation(String code, String target, String message) {}

    private record Schema(Set<String> apiVersions, String source, BiConsumer<Body, List<Violation>> rules) {}

    private static final String SPECS = "Azure/azure-rest-api-specs@";
    private static final Map<String, Schema> SCHEMAS = Map.ofEntries(
            Map.entry(
                    "microsoft.resources/resourcegroups",
                    new Schema(
                            Set.of("2021-04-01", "2022-09-01", "2024-11-01", "2025-04-01"),
                            SPECS + "005407249b142eeafbaddc01ef15e3293814de08 specification/resources/resource-manager/"
                                    + "Microsoft.Resources/stable/2024-11-01/resources.json",
                            (b, v) -> b.required("location", v))),
            Map.entry(
                    "microsoft.kubernetes/connectedclusters",
                    new Schema(
                            Set.of(
                                    "2021-10-01",
                                    "2024-01-01",
                                    "2024-07-01-preview",
                                    "2024-07-15-preview",
                                    "2025-08-01-preview",
                                    "2026-03-01",
                                    "2026-05-01"),
                            SPECS
                                    + "4c0959c220823a4e013c4254984e4b02bb9722ac specification/hybridkubernetes/resource-manager/"
                                    + "Microsoft.Kubernetes/stable/2024-01-01/connectedClusters.json; "
                                    // the version az connectedk8s delete sends (vendored SDK preview_2024_07_01)
                                    + SPECS + "114077a23cb1edc9c5604cfb9a957570203dc706 .../preview/2024-07-01-preview/"
                                    + "connectedClusters.json; "
                                    + SPECS
                                    + "ec15ab2d02c7ba35a2435c4d7b9559c00623c4b3 .../stable/2026-03-01/connectedClusters.json",
                            (b, v) -> {
                                b.required("location", v);
                                b.required("identity", v);
                                b.required("identity.type", v);
                                b.oneOf("identity.type", Set.of("None", "SystemAssigned"), v);
                                b.required("properties", v);
                                b.required("properties.agentPublicKeyCertificate", v);
                                b.base64("properties.agentPublicKeyCertificate", v);
                                b.oneOf("kind", Set.of("ProvisionedCluster"), v);
                                b.oneOf("properties.privateLinkState", Set.of("Enabled", "Disabled"), v);
                                b.oneOf("properties.azureHybridBenefit", Set.of("True", "False", "NotApplicable"), v);
                                b.bool("properties.oidcIssuerProfile.enabled", v);
                                b.bool("properties.securityProfile.workloadIdentity.enabled", v);
                            })),
            Map.entry(
                    "microsoft.kubernetesconfiguration/extensions",
                    new Schema(
                            Set.of("2022-11-01", "2023-05-01", "2024-11-01"),
                            SPECS
                                    + "04b1b8e194dd83e2c8ffd348e4717a2fef5cf5f2 specification/kubernetesconfiguration/resource-manager/"
                                    + "Microsoft.KubernetesConfiguration/stable/2023-05-01/extensions.json",
                            (b, v) -> {
                                b.oneOf("identity.type", Set.of("SystemAssigned"), v);
                                b.string("properties.extensionType", v);
                                b.bool("properties.autoUpgradeMinorVersion", v);
                                b.stringMap("properties.configurationSettings", v);
                                b.stringMap("properties.configurationProtectedSettings", v);
                                if (b.get("properties.scope.cluster") != null
                                        && b.get("properties.scope.namespace") != null) {
                                    v.add(new Violation(
                                            "InvalidScope",
                                            "properties.scope",
                                            "scope is either cluster or namespace, not both"));
                                }
                                if (b.get("properties.version") != null
                                        && !Boolean.FALSE.equals(b.get("properties.autoUpgradeMinorVersion"))) {
                                    v.add(new Violation(
                                            "InvalidVersion",
                                            "properties.version",
                                            "a version can be given only when autoUpgradeMinorVersion is false"));
                                }
                            })),
            Map.entry(
                    "microsoft.extendedlocation/customlocations",
                    new Schema(
                            Set.of("2021-08-15", "2021-08-31-preview"),
                            SPECS
                                    + "1965df59d99ee8f4c7eb550f8e76be26cd1e5224 specification/extendedlocation/resource-manager/"
                                    + "Microsoft.ExtendedLocation/preview/2021-08-31-preview/customlocations.json",
                            (b, v) -> {
                                b.required("location", v);
                                b.oneOf("properties.hostType", Set.of("Kubernetes"), v);
                                b.name(Pattern.compile("^[a-zA-Z0-9]$|^[a-zA-Z0-9][-_a-zA-Z0-9]{0,61}[a-zA-Z0-9]$"), v);
                            })),
            Map.entry(
                    "microsoft.hybridcompute/machines",
                    new Schema(
                            Set.of("2024-07-10"),
                            SPECS
                                    + "245f1aec287799967b923c09272b10546265c31a specification/hybridcompute/resource-manager/"
                                    + "Microsoft.HybridCompute/stable/2024-07-10/HybridCompute.json",
                            (b, v) -> {
                                b.required("location", v);
                                b.name(Pattern.compile("^[a-zA-Z0-9-_\\.]{1,54}$"), v);
                            })),
            Map.entry("microsoft.iotoperations/instances", iot((b, v) -> {
                b.required("location", v);
                b.required("properties.schemaRegistryRef.resourceId", v);
            })),
            Map.entry("microsoft.iotoperations/instances/brokers", iot((b, v) -> {
                b.oneOf("properties.memoryProfile", Set.of("Tiny", "Low", "Medium", "High"), v);
                if (b.get("properties.cardinality") != null) {
                    b.required("properties.cardinality.backendChain.partitions", v);
                    b.required("properties.cardinality.backendChain.redundancyFactor", v);
                    b.required("properties.cardinality.frontend.replicas", v);
                }
            })),
            Map.entry("microsoft.iotoperations/instances/brokers/authentications", iot((b, v) -> {
                b.required("properties.authenticationMethods", v);
                for (Body method : b.list("properties.authenticationMethods")) {
                    method.required("method", v);
                    method.oneOf("method", Set.of("Custom", "ServiceAccountToken", "X509"), v);
                    if ("ServiceAccountToken".equals(method.get("method"))) {
                        method.required("serviceAccountTokenSettings.audiences", v);
                    }
                }
            })),
            Map.entry("microsoft.iotoperations/instances/brokers/listeners", iot((b, v) -> {
                b.required("properties.ports", v);
                b.oneOf("properties.serviceType", Set.of("ClusterIp", "LoadBalancer", "NodePort"), v);
                for (Body port : b.list("properties.ports")) {
                    port.required("port", v);
                    if (port.get("tls") != null) {
                        port.required("tls.mode", v);
                        port.oneOf("tls.mode", Set.of("Automatic", "Manual"), v);
                    }
                }
            })),
            Map.entry("microsoft.iotoperations/instances/dataflowprofiles", iot((b, v) -> {
                if (b.get("properties.instanceCount") instanceof Number n && (n.intValue() < 1 || n.intValue() > 20)) {
                    v.add(new Violation("OutOfRange", "properties.instanceCount", "instanceCount is 1 to 20"));
                }
            })),
            Map.entry("microsoft.iotoperations/instances/dataflowendpoints", iot((b, v) -> {
                b.required("properties.endpointType", v);
                b.oneOf(
                        "properties.endpointType",
                        Set.of("DataExplorer", "DataLakeStorage", "FabricOneLake", "Kafka", "LocalStorage", "Mqtt"),
                        v);
                if (b.get("properties.mqttSettings") != null) {
                    b.required("properties.mqttSettings.authentication.method", v);
                }
            })),
            Map.entry(
                    "microsoft.deviceregistry/schemaregistries",
                    new Schema(
                            Set.of("2024-09-01-preview"),
                            SPECS
                                    + "3873f33d7b91f28c55d7c98b6eb7da8aa5a5bda4 specification/deviceregistry/resource-manager/"
                                    + "Microsoft.DeviceRegistry/preview/2024-09-01-preview/deviceregistry.json",
                            (b, v) -> {
                                b.required("location", v);
                                b.required("properties.namespace", v);
                                b.pattern(
                                        "properties.namespace",
                                        Pattern.compile("^[a-z0-9][a-z0-9-]{0,30}[a-z0-9]$"),
                                        v);
                                b.required("properties.storageAccountContainerUrl", v);
                                b.oneOf("identity.type", Set.of("None", "SystemAssigned"), v);
                            })),
            Map.entry(
                    "microsoft.storage/storageaccounts",
                    new Schema(
                            Set.of("2023-01-01", "2023-05-01"),
                            SPECS + "040b1edfd8b850ae78e2f9d2f05d53979a8b8b89 specification/storage/resource-manager/"
                                    + "Microsoft.Storage/stable/2023-05-01/storage.json (Sku: common.json @4c861564)",
                            (b, v) -> {
                                b.required("location", v);
                                b.required("sku.name", v);
                                b.required("kind", v);
                                b.oneOf(
                                        "kind",
                                        Set.of(
                                                "Storage",
                                                "StorageV2",
                                                "BlobStorage",
                                                "FileStorage",
                                                "BlockBlobStorage"),
                                        v);
                                b.oneOf(
                                        "sku.name",
                                        Set.of(
                                                "Standard_LRS",
                                                "Standard_GRS",
                                                "Standard_RAGRS",
                                                "Standard_ZRS",
                                                "Premium_LRS",
                                                "Premium_ZRS",
                                                "Standard_GZRS",
                                                "Standard_RAGZRS"),
                                        v);
                                b.bool("properties.isHnsEnabled", v);
                                b.oneOf("properties.minimumTlsVersion", Set.of("TLS1_0", "TLS1_1", "TLS1_2"), v);
                                b.name(Pattern.compile("^[a-z0-9]{3,24}$"), v);
                            })),
            Map.entry(
                    "microsoft.storage/storageaccounts/blobservices/containers",
                    new Schema(
                            Set.of("2023-01-01", "2023-05-01"),
                            SPECS + "029741f2a57be0df0c346983e76f08dc7a69058a specification/storage/resource-manager/"
                                    + "Microsoft.Storage/stable/2023-05-01/blob.json",
                            (b, v) -> {
                                b.oneOf("properties.publicAccess", Set.of("Container", "Blob", "None"), v);
                                b.name(Pattern.compile("^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$"), v);
                            })),
            Map.entry(
                    "microsoft.authorization/roleassignments",
                    new Schema(
                            Set.of("2022-04-01"),
                            SPECS
                                    + "007a51db374076edb902fd44eb8299eea6336335 specification/authorization/resource-manager/"
                                    + "Microsoft.Authorization/stable/2022-04-01/authorization-RoleAssignmentsCalls.json",
                            (b, v) -> {
                                b.required("properties.roleDefinitionId", v);
                                b.required("properties.principalId", v);
                                b.oneOf(
                                        "properties.principalType",
                                        Set.of("User", "Group", "ServicePrincipal", "ForeignGroup"),
                                        v);
                            })),
            Map.entry(
                    "microsoft.operationalinsights/workspaces",
                    new Schema(
                            Set.of("2020-08-01", "2022-10-01"),
                            SPECS
                                    + "0073bb234a552aa2865a9dd319b5464f43e54bf4 specification/operationalinsights/resource-manager/"
                                    + "Microsoft.OperationalInsights/stable/2022-10-01/Workspaces.json",
                            (b, v) -> {
                                b.required("location", v);
                                b.oneOf(
                                        "properties.sku.name",
                                        Set.of(
                                                "Free",
                                                "Standard",
                                                "Premium",
                                                "PerNode",
                                                "PerGB2018",
                                                "Standalone",
                                                "CapacityReservation",
                                                "LACluster"),
                                        v);
                                b.name(Pattern.compile("^[A-Za-z0-9][A-Za-z0-9-]{2,61}[A-Za-z0-9]$"), v);
                            })),
            Map.entry(
                    "microsoft.insights/datacollectionrules",
                    new Schema(
                            Set.of("2022-06-01"),
                            SPECS + "812ec613dd15a90c8a7e7d6aa62884fdaf6639b8 specification/monitor/resource-manager/"
                                    + "Microsoft.Insights/stable/2022-06-01/dataCollectionRules_API.json",
                            (b, v) -> {
                                b.required("location", v);
                                b.oneOf("kind", Set.of("Linux", "Windows"), v);
                            })),
            Map.entry(
                    "microsoft.insights/datacollectionruleassociations",
                    new Schema(
                            Set.of("2022-06-01"),
                            SPECS + "812ec613dd15a90c8a7e7d6aa62884fdaf6639b8 specification/monitor/resource-manager/"
                                    + "Microsoft.Insights/stable/2022-06-01/dataCollectionRuleAssociations_API.json",
                            (b, v) -> {})));

    private ArmSchemas() {}

    private static Schema iot(BiConsumer<Body, List<Violation>> rules) {
        return new Schema(
                Set.of("2024-11-01", "2025-04-01", "2025-07-01-preview"),
                SPECS + "20bb4a83c21ee3984c257ae89fde2c48edf263e7 specification/iotoperations/resource-manager/"
                        + "Microsoft.IoTOperations/stable/2025-04-01/iotoperations.json",
                (b, v) -> {
                    b.required("extendedLocation", v);
                    b.required("extendedLocation.name", v);
                    b.required("extendedLocation.type", v);
                    b.oneOf("extendedLocation.type", Set.of("CustomLocation"), v);
                    b.name(Pattern.compile("^[a-z0-9][a-z0-9-]*[a-z0-9]$"), v);
                    rules.accept(b, v);
                });
    }

    /** True when ARM knows the type at all (the emulator refuses to store one no specification describes). */
    static boolean known(String type) {
        return SCHEMAS.containsKey(type.toLowerCase(Locale.ROOT));
    }

    /** The api-versions the type is published in, or null when any is accepted (a type not described here). */
    static Set<String> apiVersions(String type) {
        Schema schema = SCHEMAS.get(type.toLowerCase(Locale.ROOT));
        return schema == null ? null : schema.apiVersions();
    }

    /** What is wrong with a PUT body of this type and resource name; empty when it passes. */
    static List<Violation> validate(String type, String name, Map<String, Object> body) {
        Schema schema = SCHEMAS.get(type.toLowerCase(Locale.ROOT));
        List<Violation> violations = new ArrayList<>();
        if (schema != null) {
            schema.rules().accept(new Body(body, name), violations);
        }
        return violations;
    }

    /** A request body (or a part of one) read by dotted path. */
    static final class Body {
        private final Map<String, Object> map;
        private final String name;

        Body(Map<String, Object> map, String name) {
            this.map = map;
            this.name = name;
        }

        Object get(String path) {
            Object current = map;
            for (String part : path.split("\\.")) {
                if (!(current instanceof Map<?, ?> m)) {
                    return null;
                }
                current = m.get(part);
            }
            return current;
        }

        @SuppressWarnings("unchecked")
        List<Body> list(String path) {
            if (!(get(path) instanceof List<?> items)) {
                return List.of();
            }
            return items.stream()
                    .filter(i -> i instanceof Map<?, ?>)
                    .map(i -> new Body((Map<String, Object>) i, name))
                    .toList();
        }

        void required(String path, List<Violation> v) {
            Object value = get(path);
            if (value == null) {
                v.add(new Violation("MissingRequiredProperty", path, "Missing required property '" + path + "'."));
            }
        }

        void oneOf(String path, Set<String> values, List<Violation> v) {
            Object value = get(path);
            if (value != null && !values.contains(value.toString())) {
                v.add(new Violation(
                        "InvalidEnumValue",
                        path,
                        "The value '" + value + "' of '" + path + "' is not one of "
                                + values.stream().sorted().toList() + "."));
            }
        }

        void string(String path, List<Violation> v) {
            Object value = get(path);
            if (value != null && !(value instanceof String)) {
                v.add(new Violation("InvalidType", path, "'" + path + "' must be a string."));
            }
        }

        void bool(String path, List<Violation> v) {
            Object value = get(path);
            if (value != null && !(value instanceof Boolean)) {
                v.add(new Violation("InvalidType", path, "'" + path + "' must be a boolean, got '" + value + "'."));
            }
        }

        void stringMap(String path, List<Violation> v) {
            Object value = get(path);
            if (value instanceof Map<?, ?> m
                    && m.values().stream().anyMatch(x -> x != null && !(x instanceof String))) {
                v.add(new Violation("InvalidType", path, "'" + path + "' maps names to strings only."));
            }
        }

        void base64(String path, List<Violation> v) {
            if (get(path) instanceof String s) {
                try {
                    Base64.getDecoder().decode(s);
                } catch (IllegalArgumentException e) {
                    v.add(new Violation("InvalidFormat", path, "'" + path + "' is not base64."));
                }
            }
        }

        void pattern(String path, Pattern pattern, List<Violation> v) {
            Object value = get(path);
            if (value != null && !pattern.matcher(value.toString()).matches()) {
                v.add(new Violation(
                        "PatternMismatch", path, "'" + value + "' does not match " + pattern.pattern() + "."));
            }
        }

        void name(Pattern pattern, List<Violation> v) {
            if (name != null && !pattern.matcher(name).matches()) {
                v.add(new Violation(
                        "InvalidResourceName",
                        "name",
                        "The resource name '" + name + "' does not match " + pattern.pattern() + "."));
            }
        }
    }
}
