package dev.arcfleet.testsupport.arm;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * How Azure Resource Manager answers a DELETE, per resource type, taken from the published specifications and the
 * ARM resource provider contract, never from the executor (docs/offboarding-sources.md, "What the ARM emulator
 * encodes"). A type not listed here keeps the emulator's generic DELETE.
 *
 * <p>Common to every listed type (ARM RPC {@code v1.0/async-api-reference.md}, "Delete Resource Asynchronously", read
 * from the fork davidgamero/azure-resource-manager-rpc@c32a616596b9547d391abdd6a45b6a85e6b3936b): an asynchronous
 * DELETE answers 202 with a {@code Location} (202 while in progress, then 200 or 204) and optionally an
 * {@code Azure-AsyncOperation} (200 with a {@code status}); the resource's provisioningState turns to a non-terminal
 * state such as {@code Deleting}; once the DELETE completes the resource "MUST disappear". Every operation below
 * answers 204 for a resource that does not exist.
 */
final class ArmDeletes {
    /** Whether ARM answers the DELETE at once (200) or as a long-running operation (202 and a poll). */
    enum Style {
        SYNC,
        ASYNC
    }

    /**
     * One type's DELETE: its style, the query parameter (if any) that forces it, and the specification it comes
     * from.
     */
    record Rule(Style style, String forceParameter, String source) {
        /** Whether the query asks for a forced delete ({@code <forceParameter>=true}). */
        boolean forced(String query) {
            return forceParameter != null
                    && query != null
                    && Pattern.compile("(?:^|&)" + forceParameter + "=true(?:&|$)", Pattern.CASE_INSENSITIVE)
                            .matcher(query)
                            .find();
        }
    }

    private static final String SPECS = "Azure/azure-rest-api-specs@";
    private static final Map<String, Rule> RULES = Map.of(
            // ConnectedCluster_Delete: 200/202/204, x-ms-long-running-operation, final-state-via location. The spec
            // has no force parameter; az connectedk8s delete --force sends params={"force": True} on the same call
            // (Azure/azure-cli-extensions src/connectedk8s/azext_connectedk8s/custom.py @ 3b8734e7a0f3,
            // delete_cc_resource).
            // ARM removes the child resources with it: "az connectedk8s delete will also delete configurations and
            // cluster extensions on top of the cluster" (MicrosoftDocs/azure-management-docs
            // articles/azure-arc/kubernetes/faq.md @ d923d588901082fa2107de6b2a82d7d05cd95160).
            "microsoft.kubernetes/connectedclusters",
                    new Rule(
                            Style.ASYNC,
                            "force",
                            SPECS
                                    + "4c0959c220823a4e013c4254984e4b02bb9722ac specification/hybridkubernetes/resource-manager/"
                                    + "Microsoft.Kubernetes/stable/2024-01-01/connectedClusters.json; "
                                    + SPECS + "114077a23cb1edc9c5604cfb9a957570203dc706 .../preview/2024-07-01-preview/"
                                    + "connectedClusters.json"),
            // Extensions_Delete: 200/202/204, query forceDelete (boolean), x-ms-long-running-operation,
            // final-state-via azure-async-operation.
            "microsoft.kubernetesconfiguration/extensions",
                    new Rule(
                            Style.ASYNC,
                            "forceDelete",
                            SPECS + "04b1b8e194dd83e2c8ffd348e4717a2fef5cf5f2 specification/kubernetesconfiguration/"
                                    + "resource-manager/Microsoft.KubernetesConfiguration/stable/2023-05-01/extensions.json"),
            // Machines_Delete: 200/204 and no x-ms-long-running-operation: synchronous.
            "microsoft.hybridcompute/machines",
                    new Rule(
                            Style.SYNC,
                            null,
                            SPECS
                                    + "245f1aec287799967b923c09272b10546265c31a specification/hybridcompute/resource-manager/"
                                    + "Microsoft.HybridCompute/stable/2024-07-10/HybridCompute.json (Machines_Delete)"),
            // MachineExtensions_Delete: 200/202 (Location, Azure-AsyncOperation)/204, x-ms-long-running-operation.
            "microsoft.hybridcompute/machines/extensions",
                    new Rule(
                            Style.ASYNC,
                            null,
                            SPECS
                                    + "245f1aec287799967b923c09272b10546265c31a specification/hybridcompute/resource-manager/"
                                    + "Microsoft.HybridCompute/stable/2024-07-10/HybridCompute.json (MachineExtensions_Delete)"),
            // CustomLocations_Delete: 202 (Azure-AsyncOperation, Retry-After)/204, x-ms-long-running-operation,
            // final-state-via azure-async-operation. No source found that ARM refuses it while resources still use
            // the custom location, nor that it refuses a connected cluster a custom location is hosted on: both stay
            // permissive.
            "microsoft.extendedlocation/customlocations",
                    new Rule(
                            Style.ASYNC,
                            null,
                            SPECS
                                    + "14f14dbea2f5126641c09e165b63a70257993c72 specification/extendedlocation/resource-manager/"
                                    + "Microsoft.ExtendedLocation/CustomLocations/preview/2021-08-31-preview/customlocations.json"));

    private ArmDeletes() {}

    /** The rule for this type, or null when the emulator's generic DELETE applies. */
    static Rule rule(String type) {
        return RULES.get(type.toLowerCase(Locale.ROOT));
    }
}
