package dev.arcfleet.executor.route;

/** ARM api-versions in use (NOTES.md, "Azure Resource Manager"). */
public final class ApiVersions {
    public static final String RESOURCE_GROUPS = "2021-04-01";
    public static final String CONNECTED_CLUSTERS = "2024-01-01";
    public static final String CLUSTER_EXTENSIONS = "2023-05-01";
    public static final String HYBRID_MACHINES = "2024-07-10";
    public static final String CUSTOM_LOCATIONS = "2021-08-31-preview";
    public static final String IOT_OPERATIONS = "2025-04-01";

    private ApiVersions() {
    }
}
