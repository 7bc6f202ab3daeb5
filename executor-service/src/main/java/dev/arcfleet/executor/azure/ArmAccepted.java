package dev.arcfleet.executor.azure;

import java.time.Duration;

/**
 * ARM's answer to a PUT: the status code, where to poll the long-running operation ({@code Azure-AsyncOperation},
 * else {@code Location}; null when ARM finished synchronously), the {@code provisioningState} in the answer's body, and
 * its {@code Retry-After}: how long ARM asks the client to wait before it polls the operation (null when it sent none).
 */
public record ArmAccepted(int status, String operationUrl, String provisioningState, Duration retryAfter) {

    /** An answer without a {@code Retry-After}. */
    public ArmAccepted(int status, String operationUrl, String provisioningState) {
        this(status, operationUrl, provisioningState, null);
    }

    /** ARM answered with the resource already provisioned: nothing to poll. */
    public boolean done() {
        return operationUrl == null && (provisioningState == null || "Succeeded".equalsIgnoreCase(provisioningState));
    }
}
