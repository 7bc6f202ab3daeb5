package dev.arcfleet.executor.azure;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An ARM resource as GET returns it: its id, its {@code properties}, and the rest of its body ({@code location},
 * {@code tags}, {@code identity}, {@code kind}, {@code extendedLocation}) where the client had them.
 */
public record ArmResource(String id, Map<String, Object> properties, Map<String, Object> envelope) {

    public ArmResource(String id, Map<String, Object> properties) {
        this(id, properties, Map.of());
    }

    public String provisioningState() {
        Object state = properties == null ? null : properties.get("provisioningState");
        return state == null ? null : state.toString();
    }

    /** Whether provisioning ended well: {@code Succeeded}, or no provisioningState at all (ARM RPC: then it succeeded). */
    public boolean provisioned() {
        String state = provisioningState();
        return state == null || "Succeeded".equalsIgnoreCase(state);
    }

    /** The body as GET returned it: the envelope with {@code properties} in it. */
    public Map<String, Object> body() {
        Map<String, Object> body = new LinkedHashMap<>(envelope == null ? Map.of() : envelope);
        body.put("properties", properties == null ? Map.of() : properties);
        return body;
    }

    /** A value by dotted path below the resource, e.g. {@code properties.connectivityStatus} or {@code identity.principalId}. */
    public Object property(String path) {
        Object current = body();
        for (String part : path.split("\\.")) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(part);
        }
        return current;
    }
}
