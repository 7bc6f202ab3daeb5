package dev.arcfleet.executor.route;

import java.time.Duration;

/**
 * A step that completes when a resource's property reaches a value: an ARM resource by id (e.g.
 * {@code properties.connectivityStatus = Connected}) or, with {@code kubernetes}, a Kubernetes object given as
 * {@code apiVersion/namespace/kind/name} (e.g. a KubeVirt VirtualMachine's {@code status.ready = true}).
 * {@code absentIsDone}: a resource that is not there counts as done (a finished Job its TTL already removed, or one
 * never created because the step that creates it was skipped). {@code hint}: what an operator does when the wait
 * times out, said with the failure. With no {@code expectedValue} ({@link #kubeGone}) only absence is done: the wait
 * for an object to disappear (a VirtualMachine's finalizer holds it until its instance is gone).
 */
public record WaitFor(
        boolean kubernetes,
        String resource,
        String apiVersion,
        String propertyPath,
        String expectedValue,
        Duration timeout,
        boolean absentIsDone,
        String hint) {

    public static WaitFor arm(
            String resourceId, String apiVersion, String propertyPath, String expected, Duration timeout) {
        return new WaitFor(false, resourceId, apiVersion, propertyPath, expected, timeout, false, null);
    }

    public static WaitFor kube(
            String apiVersion,
            String namespace,
            String kind,
            String name,
            String propertyPath,
            String expected,
            Duration timeout) {
        return new WaitFor(
                true,
                apiVersion + "/" + namespace + "/" + kind + "/" + name,
                apiVersion,
                propertyPath,
                expected,
                timeout,
                false,
                null);
    }

    /** Done once the Kubernetes object is gone. */
    public static WaitFor kubeGone(String apiVersion, String namespace, String kind, String name, Duration timeout) {
        return new WaitFor(
                true,
                apiVersion + "/" + namespace + "/" + kind + "/" + name,
                apiVersion,
                "metadata.name",
                null,
                timeout,
                true,
                null);
    }

    public WaitFor absentMeansDone() {
        return new WaitFor(kubernetes, resource, apiVersion, propertyPath, expectedValue, timeout, true, hint);
    }

    public WaitFor withHint(String text) {
        return new WaitFor(kubernetes, resource, apiVersion, propertyPath, expectedValue, timeout, absentIsDone, text);
    }
}
