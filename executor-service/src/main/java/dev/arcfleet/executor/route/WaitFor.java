package dev.arcfleet.executor.route;

import java.time.Duration;

/**
 * A step that completes when a resource's property reaches a value: an ARM resource by id (e.g.
 * {@code properties.connectivityStatus = Connected}) or, with {@code kubernetes}, a Kubernetes object given as
 * {@code apiVersion/namespace/kind/name} (e.g. a KubeVirt VirtualMachine's {@code status.ready = true}).
 */
public record WaitFor(boolean kubernetes, String resource, String apiVersion, String propertyPath, String expectedValue,
        Duration timeout) {

    public static WaitFor arm(String resourceId, String apiVersion, String propertyPath, String expected, Duration timeout) {
        return new WaitFor(false, resourceId, apiVersion, propertyPath, expected, timeout);
    }

    public static WaitFor kube(String apiVersion, String namespace, String kind, String name, String propertyPath,
            String expected, Duration timeout) {
        return new WaitFor(true, apiVersion + "/" + namespace + "/" + kind + "/" + name, apiVersion, propertyPath, expected,
                timeout);
    }
}
