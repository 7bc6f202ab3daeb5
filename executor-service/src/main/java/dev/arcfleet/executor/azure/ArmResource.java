package dev.arcfleet.executor.azure;

import java.util.Map;

/** An ARM resource as GET returns it: its id, and its {@code properties} as a map. */
public record ArmResource(String id, Map<String, Object> properties) {

    public String provisioningState() {
        Object state = properties == null ? null : properties.get("provisioningState");
        return state == null ? null : state.toString();
    }

    /** A property by dotted path below the resource, e.g. {@code properties.connectivityStatus}. */
    public Object property(String path) {
        String[] parts = path.split("\\.");
        Object current = Map.of("properties", properties == null ? Map.of() : properties);
        for (String part : parts) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(part);
        }
        return current;
    }
}
