package dev.arcfleet.contracts;

import java.util.List;

/**
 * Where a plan's Azure resources go, as the planner's policy chose it: the policy's target {@code name}, the
 * subscription, resource group and region, and the names of the credentials the executor may act with (never a
 * secret; empty: the executor's default credential). Several credentials spread the plan writes of one subscription
 * over several principals; the executor picks one per plan and keeps it for all the plan's steps.
 */
public record AzureTarget(
        String name, String subscriptionId, String resourceGroup, String location, List<String> credentials) {
    public AzureTarget {
        credentials = credentials == null ? List.of() : List.copyOf(credentials);
    }
}
