package dev.arcfleet.executor.route;

import java.util.Map;

/**
 * One Azure Resource Manager call a step makes: PUT a resource by id, GET it to wait on a property, DELETE it (absent
 * is done), or {@code DELETE_EACH}: list the collection {@code resourceId} names and DELETE each resource in it.
 */
public record ArmRequest(String method, String resourceId, String apiVersion, Map<String, Object> body) {
    public static final String DELETE = "DELETE";
    public static final String DELETE_EACH = "DELETE_EACH";

    public static ArmRequest put(String resourceId, String apiVersion, Map<String, Object> body) {
        return new ArmRequest("PUT", resourceId, apiVersion, body);
    }

    public static ArmRequest get(String resourceId, String apiVersion) {
        return new ArmRequest("GET", resourceId, apiVersion, null);
    }

    /** {@code DELETE {resourceId}?api-version=...}: sent only while the resource is there; 404 is done. */
    public static ArmRequest delete(String resourceId, String apiVersion) {
        return new ArmRequest(DELETE, resourceId, apiVersion, null);
    }

    /** Every resource of the collection {@code collectionId} (e.g. a machine's {@code .../extensions}), deleted one by one. */
    public static ArmRequest deleteEach(String collectionId, String apiVersion) {
        return new ArmRequest(DELETE_EACH, collectionId, apiVersion, null);
    }

    public boolean deletes() {
        return DELETE.equals(method) || DELETE_EACH.equals(method);
    }
}
