package dev.arcfleet.executor.route.arck8s;

import dev.arcfleet.contracts.Capability;
import dev.arcfleet.executor.route.ApiVersions;
import dev.arcfleet.executor.route.ArmRequest;
import dev.arcfleet.executor.route.AzureTarget;
import dev.arcfleet.executor.route.Names;
import dev.arcfleet.executor.route.Placeholders;
import dev.arcfleet.executor.route.StepSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cluster extensions ({@code Microsoft.KubernetesConfiguration/extensions}) as {@code az k8s-extension create} sends
 * them (docs/azure-contract.md, "Cluster extensions"): the type in lower case, a system-assigned identity, the release
 * namespace where the CLI forces one, and the settings the extension needs to work. Azure Monitor's container insights
 * also needs a Log Analytics workspace (configured, or one this route creates in the target resource group), a data
 * collection rule that sends the cluster's container insights stream there, and the rule's association with the
 * connected cluster.
 */
public final class Extensions {
    public static final String MONITOR_TYPE = "microsoft.azuremonitor.containers";
    public static final String MONITOR_NAME = "azuremonitor-containers";

    /** One extension: its resource name, type, release train, pinned version (null: auto-upgrade minor versions). */
    public record Extension(
            String name,
            String type,
            String releaseTrain,
            String version,
            boolean identity,
            String releaseNamespace,
            Map<String, String> settings,
            Map<String, String> protectedSettings) {}

    private Extensions() {}

    /** The extension that provides a capability on a connected cluster, or null when the connected cluster itself does. */
    public static Extension forCapability(Capability capability, String workspaceId) {
        return switch (capability) {
            case GITOPS -> new Extension("flux", "microsoft.flux", "Stable", null, true, null, Map.of(), Map.of());
            case POLICY ->
                new Extension(
                        "azurepolicy", "microsoft.policyinsights", "Stable", null, true, null, Map.of(), Map.of());
            case MONITOR ->
                new Extension(
                        MONITOR_NAME,
                        MONITOR_TYPE,
                        "Stable",
                        null,
                        true,
                        "azuremonitor-containers",
                        Map.of("logAnalyticsWorkspaceResourceID", workspaceId, "amalogs.useAADAuth", "true"),
                        workspaceKeys(workspaceId));
            case DEFENDER ->
                new Extension(
                        "microsoft.azuredefender.kubernetes",
                        "microsoft.azuredefender.kubernetes",
                        "Stable",
                        null,
                        true,
                        "mdc",
                        Map.of("logAnalyticsWorkspaceResourceID", workspaceId, "amalogs.useAADAuth", "true"),
                        workspaceKeys(workspaceId));
            default -> null;
        };
    }

    /** With AAD authentication the agents need the workspace's customer id only; the key is the CLI's "<not_used>". */
    private static Map<String, String> workspaceKeys(String workspaceId) {
        String customerId =
                Placeholders.arm(workspaceId, ApiVersions.LOG_ANALYTICS_WORKSPACES, "properties.customerId");
        return Map.of(
                "omsagent.secret.wsid",
                customerId,
                "amalogs.secret.wsid",
                customerId,
                "omsagent.secret.key",
                "<not_used>",
                "amalogs.secret.key",
                "<not_used>");
    }

    /** The workspace a capability's extension reports to: the configured one, else one per region in the target group. */
    public static String workspaceId(AzureTarget azure, String configured) {
        return configured != null && !configured.isBlank()
                ? configured
                : azure.providerResourceId(
                        "Microsoft.OperationalInsights", "workspaces", "arc-fleet-" + azure.location());
    }

    public static String extensionId(String connectedClusterId, String name) {
        return connectedClusterId + "/providers/Microsoft.KubernetesConfiguration/extensions/" + name;
    }

    /** The PUT of one extension. */
    public static ArmRequest put(String connectedClusterId, Extension extension) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("extensionType", extension.type());
        properties.put("autoUpgradeMinorVersion", extension.version() == null);
        properties.put("releaseTrain", extension.releaseTrain());
        if (extension.version() != null) {
            properties.put("version", extension.version());
        }
        if (extension.releaseNamespace() != null) {
            properties.put("scope", Map.of("cluster", Map.of("releaseNamespace", extension.releaseNamespace())));
        }
        if (!extension.settings().isEmpty()) {
            properties.put("configurationSettings", new LinkedHashMap<>(extension.settings()));
        }
        if (!extension.protectedSettings().isEmpty()) {
            properties.put("configurationProtectedSettings", new LinkedHashMap<>(extension.protectedSettings()));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        if (extension.identity()) {
            body.put("identity", Map.of("type", "SystemAssigned"));
        }
        body.put("properties", properties);
        return ArmRequest.put(extensionId(connectedClusterId, extension.name()), ApiVersions.CLUSTER_EXTENSIONS, body);
    }

    /**
     * The steps that remove what {@link #steps} gave a connected cluster for one capability, in reverse: the extension
     * (a long-running DELETE, as {@code az k8s-extension delete}), then container insights' rule association and rule.
     * A workspace is kept: it is shared by every cluster of the region in the target group (or configured).
     */
    public static List<StepSpec> offboardingSteps(
            Capability capability, String connectedClusterId, AzureTarget azure, String configuredWorkspaceId) {
        Extension extension = forCapability(capability, workspaceId(azure, configuredWorkspaceId));
        if (extension == null) {
            return List.of();
        }
        List<StepSpec> steps = new ArrayList<>();
        steps.add(StepSpec.arm(
                "delete-extension-" + Names.slug(extension.name(), 50),
                ArmRequest.delete(extensionId(connectedClusterId, extension.name()), ApiVersions.CLUSTER_EXTENSIONS)));
        if (capability == Capability.MONITOR) {
            steps.add(StepSpec.arm(
                    "delete-monitor-data-collection-rule-association",
                    ArmRequest.delete(ruleAssociationId(connectedClusterId), ApiVersions.DATA_COLLECTION_RULES)));
            steps.add(StepSpec.arm(
                    "delete-monitor-data-collection-rule",
                    ArmRequest.delete(ruleId(connectedClusterId, azure), ApiVersions.DATA_COLLECTION_RULES)));
        }
        return steps;
    }

    static String ruleId(String connectedClusterId, AzureTarget azure) {
        String clusterName = connectedClusterId.substring(connectedClusterId.lastIndexOf('/') + 1);
        String ruleName = "MSCI-" + azure.location() + "-" + clusterName;
        return azure.providerResourceId(
                "Microsoft.Insights", "dataCollectionRules", ruleName.substring(0, Math.min(64, ruleName.length())));
    }

    static String ruleAssociationId(String connectedClusterId) {
        return connectedClusterId
                + "/providers/Microsoft.Insights/dataCollectionRuleAssociations/ContainerInsightsExtension";
    }

    /**
     * The steps that give a connected cluster one capability's extension, with what it depends on in Azure: for
     * container insights and Defender, the workspace (unless configured), and for container insights its data
     * collection rule and association.
     */
    public static List<StepSpec> steps(
            Capability capability, String connectedClusterId, AzureTarget azure, String configuredWorkspaceId) {
        String workspace = workspaceId(azure, configuredWorkspaceId);
        Extension extension = forCapability(capability, workspace);
        if (extension == null) {
            return List.of();
        }
        List<StepSpec> steps = new ArrayList<>();
        boolean needsWorkspace = capability == Capability.MONITOR || capability == Capability.DEFENDER;
        if (needsWorkspace && (configuredWorkspaceId == null || configuredWorkspaceId.isBlank())) {
            steps.add(StepSpec.arm(
                    "ensure-log-analytics-workspace",
                    ArmRequest.put(
                            workspace,
                            ApiVersions.LOG_ANALYTICS_WORKSPACES,
                            Map.of(
                                    "location",
                                    azure.location(),
                                    "properties",
                                    Map.of("sku", Map.of("name", "PerGB2018"), "retentionInDays", 30)))));
        }
        if (capability == Capability.MONITOR) {
            String ruleId = ruleId(connectedClusterId, azure);
            List<String> streams = List.of("Microsoft-ContainerInsights-Group-Default");
            steps.add(StepSpec.arm(
                    "monitor-data-collection-rule",
                    ArmRequest.put(
                            ruleId,
                            ApiVersions.DATA_COLLECTION_RULES,
                            Map.of(
                                    "location",
                                    azure.location(),
                                    "kind",
                                    "Linux",
                                    "properties",
                                    Map.of(
                                            "dataSources",
                                                    Map.of(
                                                            "extensions",
                                                            List.of(Map.of(
                                                                    "name",
                                                                    "ContainerInsightsExtension",
                                                                    "streams",
                                                                    streams,
                                                                    "extensionName",
                                                                    "ContainerInsights",
                                                                    "extensionSettings",
                                                                    Map.of("dataCollectionSettings", Map.of())))),
                                            "dataFlows",
                                                    List.of(Map.of(
                                                            "streams",
                                                            streams,
                                                            "destinations",
                                                            List.of("la-workspace"))),
                                            "destinations",
                                                    Map.of(
                                                            "logAnalytics",
                                                            List.of(Map.of(
                                                                    "workspaceResourceId",
                                                                    workspace,
                                                                    "name",
                                                                    "la-workspace"))))))));
            steps.add(StepSpec.arm(
                    "monitor-data-collection-rule-association",
                    ArmRequest.put(
                            ruleAssociationId(connectedClusterId),
                            ApiVersions.DATA_COLLECTION_RULES,
                            Map.of(
                                    "properties",
                                    Map.of(
                                            "dataCollectionRuleId",
                                            ruleId,
                                            "description",
                                            "routes monitoring data to a Log Analytics workspace")))));
        }
        steps.add(StepSpec.arm("extension-" + Names.slug(extension.name(), 50), put(connectedClusterId, extension)));
        return steps;
    }
}
