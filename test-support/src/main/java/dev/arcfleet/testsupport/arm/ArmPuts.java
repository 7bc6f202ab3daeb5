package dev.arcfleet.testsupport.arm;

import java.util.Locale;
import java.util.Map;

/**
 * Which resource types ARM creates synchronously: the PUT answers 201 with the resource provisioned and nothing to
 * poll. Taken from the published specifications (an operation without {@code x-ms-long-running-operation} is answered
 * at once; the SDKs generate a plain {@code create}, not a {@code beginCreate}, for it), never from the executor. Every
 * other type keeps the emulator's generic long-running PUT (201, {@code provisioningState=Accepted}, an
 * {@code Azure-AsyncOperation} URL), which is what ConnectedCluster_Create, Extensions_Create and
 * Workspaces_CreateOrUpdate declare.
 */
final class ArmPuts {
    private static final String MONITOR_SPECS = "Azure/azure-rest-api-specs@812ec613dd15a90c8a7e7d6aa62884fdaf6639b8"
            + " specification/monitor/resource-manager/Microsoft.Insights/stable/2022-06-01/";

    /** Type (lower case) to the specification that says its PUT is synchronous. */
    private static final Map<String, String> SYNCHRONOUS = Map.of(
            // DataCollectionRules_Create: 200 (updated) / 201 (created), no x-ms-long-running-operation
            "microsoft.insights/datacollectionrules", MONITOR_SPECS + "dataCollectionRules_API.json",
            // DataCollectionRuleAssociations_Create: 200 / 201, no x-ms-long-running-operation
            "microsoft.insights/datacollectionruleassociations",
                    MONITOR_SPECS + "dataCollectionRuleAssociations_API.json");

    private ArmPuts() {}

    /** Whether ARM answers a PUT creating a resource of this type with the resource already provisioned. */
    static boolean synchronous(String type) {
        return SYNCHRONOUS.containsKey(type.toLowerCase(Locale.ROOT));
    }
}
