package dev.arcfleet.executor.azure;

/**
 * ARM's answer to a PUT: the status code, where to poll the long-running operation ({@code Azure-AsyncOperation},
 * else {@code Location}; null when ARM finished synchronously) and the {@code provisioningState} in the answer's body.
 */
public record ArmAccepted(int status, String operationUrl, String provisioningState) {

    /** ARM answered with the resource already provisioned: nothing to poll. */
    public boolean done() {
        return operationUrl == null && (provisioningState == null || "Succeeded".equalsIgnoreCase(provisioningState));
    }
}
