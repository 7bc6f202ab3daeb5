package dev.arcfleet.executor.route;

import java.util.Map;

/** One Azure Resource Manager call a step makes: PUT a resource by id, or GET it to wait on a property. */
public record ArmRequest(String method, String resourceId, String apiVersion, Map<String, Object> body) {

    public static ArmRequest put(String resourceId, String apiVersion, Map<String, Object> body) {
        return new ArmRequest("PUT", resourceId, apiVersion, body);
    }

    public static ArmRequest get(String resourceId, String apiVersion) {
        return new ArmRequest("GET", resourceId, apiVersion, null);
    }
}
