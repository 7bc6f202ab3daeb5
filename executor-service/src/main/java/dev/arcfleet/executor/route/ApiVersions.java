package dev.arcfleet.executor.route;

/**
 * ARM api-versions in use, each a published version of the resource type's OpenAPI specification
 * (Azure/azure-rest-api-specs; the files and commits are in docs/azure-contract.md).
 */
public final class ApiVersions {
    public static final String RESOURCE_GROUPS = "2021-04-01";
    /** The first stable version with {@code oidcIssuerProfile} and {@code securityProfile.workloadIdentity}. */
    public static final String CONNECTED_CLUSTERS = "2026-03-01";

    public static final String CLUSTER_EXTENSIONS = "2023-05-01";
    public static final String HYBRID_MACHINES = "2024-07-10";
    public static final String CUSTOM_LOCATIONS = "2021-08-31-preview";
    public static final String IOT_OPERATIONS = "2025-04-01";
    public static final String SCHEMA_REGISTRIES = "2024-09-01-preview";
    public static final String STORAGE_ACCOUNTS = "2023-05-01";
    public static final String ROLE_ASSIGNMENTS = "2022-04-01";
    public static final String RESOURCE_PROVIDERS = "2021-04-01";
    public static final String LOG_ANALYTICS_WORKSPACES = "2022-10-01";
    public static final String DATA_COLLECTION_RULES = "2022-06-01";

    private ApiVersions() {}
}
