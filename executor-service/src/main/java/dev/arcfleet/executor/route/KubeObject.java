package dev.arcfleet.executor.route;

import java.util.Map;

/**
 * A Kubernetes object a step applies in the target cluster, as its full manifest. {@code secret} marks objects whose
 * data must never be recorded, logged or published.
 */
public record KubeObject(String apiVersion, String kind, String namespace, String name, Map<String, Object> manifest,
        boolean secret) {
}
