package dev.arcfleet.executor.route;

import java.util.Map;

/**
 * What the Arc agents of a connected cluster say about the resource they belong to: the ConfigMap
 * {@code azure-arc/azure-clusterconfig} that the agents' chart writes, read by {@code az connectedk8s connect} and
 * {@code delete} before they touch a cluster (docs/azure-contract.md, "Arc agents"). Pure: the caller reads the
 * ConfigMap and asks {@link #judge}.
 */
public record ArcConnection(String subscriptionId, String resourceGroup, String resourceName) {
    public static final String NAMESPACE = "azure-arc";
    public static final String CONFIG_MAP = "azure-clusterconfig";
    public static final String SUBSCRIPTION_KEY = "AZURE_SUBSCRIPTION_ID";
    public static final String RESOURCE_GROUP_KEY = "AZURE_RESOURCE_GROUP";
    public static final String RESOURCE_NAME_KEY = "AZURE_RESOURCE_NAME";

    public enum State {
        /** No agents: the cluster is not connected. */
        NOT_CONNECTED,
        /** The agents belong to this connected cluster: adopt them as they are. */
        THIS_RESOURCE,
        /** The agents belong to another connected cluster: never take the cluster over. */
        OTHER_RESOURCE
    }

    public record Verdict(State state, String detail) {}

    /** The connected cluster resource this guard expects, as an ARM id. */
    public String resourceId() {
        return new AzureTarget(subscriptionId, resourceGroup, null)
                .providerResourceId("Microsoft.Kubernetes", "connectedClusters", resourceName);
    }

    /** {@code data}: the ConfigMap's data, or null when there is no such ConfigMap. */
    public Verdict judge(Map<String, String> data) {
        if (data == null) {
            return new Verdict(
                    State.NOT_CONNECTED, "no " + NAMESPACE + "/" + CONFIG_MAP + ": the cluster is not connected");
        }
        String sub = data.get(SUBSCRIPTION_KEY);
        String group = data.get(RESOURCE_GROUP_KEY);
        String name = data.get(RESOURCE_NAME_KEY);
        if (subscriptionId.equalsIgnoreCase(nullToEmpty(sub))
                && resourceGroup.equalsIgnoreCase(nullToEmpty(group))
                && resourceName.equalsIgnoreCase(nullToEmpty(name))) {
            return new Verdict(
                    State.THIS_RESOURCE,
                    "the cluster's Arc agents already belong to " + resourceId()
                            + ": adopted with their key, not reinstalled");
        }
        return new Verdict(
                State.OTHER_RESOURCE,
                "the cluster is already connected to Azure Arc as connected cluster '"
                        + name + "' in resource group '" + group + "' of subscription " + sub + " (" + NAMESPACE + "/"
                        + CONFIG_MAP
                        + "), not " + resourceId()
                        + "; it is not taken over. Disconnect it there first (az connectedk8s delete"
                        + " --name " + name + " --resource-group " + group + "), or onboard it under that name");
    }

    /**
     * As {@link #judge}, for offboarding: agents that belong to another connected cluster are refused with the words of
     * {@code az connectedk8s delete} (docs/offboarding-sources.md, section 1: resource group, name and subscription
     * compared case-insensitively), and nothing is deleted.
     */
    public Verdict judgeOffboarding(Map<String, String> data) {
        Verdict verdict = judge(data);
        if (verdict.state() != State.OTHER_RESOURCE) {
            return verdict;
        }
        return new Verdict(
                State.OTHER_RESOURCE,
                "The current context in the kubeconfig file does not correspond to the"
                        + " connected cluster resource specified. Agents installed on this cluster correspond to the resource"
                        + " group name '" + data.get(RESOURCE_GROUP_KEY) + "' and resource name '"
                        + data.get(RESOURCE_NAME_KEY)
                        + "' (subscription " + data.get(SUBSCRIPTION_KEY) + "), not " + resourceId()
                        + "; nothing was deleted");
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
