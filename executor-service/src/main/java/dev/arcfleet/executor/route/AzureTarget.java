package dev.arcfleet.executor.route;

/** Where in Azure a route creates its resources. */
public record AzureTarget(String subscriptionId, String resourceGroup, String location) {

    public String resourceGroupId() {
        return "/subscriptions/" + subscriptionId + "/resourceGroups/" + resourceGroup;
    }

    public String providerResourceId(String provider, String type, String name) {
        return resourceGroupId() + "/providers/" + provider + "/" + type + "/" + name;
    }
}
