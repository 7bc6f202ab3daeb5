package dev.arcfleet.executor.route;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Kubernetes object a step applies in the target cluster, as its full manifest, and what to do with it.
 * {@code secret} marks objects whose data must never be recorded, logged or published.
 */
public record KubeObject(
        String apiVersion,
        String kind,
        String namespace,
        String name,
        Map<String, Object> manifest,
        boolean secret,
        KubeAction action) {

    public KubeObject(
            String apiVersion,
            String kind,
            String namespace,
            String name,
            Map<String, Object> manifest,
            boolean secret) {
        this(apiVersion, kind, namespace, name, manifest, secret, KubeAction.APPLY);
    }

    public KubeObject withAction(KubeAction newAction) {
        return new KubeObject(apiVersion, kind, namespace, name, manifest, secret, newAction);
    }

    /** The object to delete, named only. */
    public static KubeObject delete(String apiVersion, String kind, String namespace, String name) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", name);
        if (namespace != null) {
            metadata.put("namespace", namespace);
        }
        return new KubeObject(
                apiVersion,
                kind,
                namespace,
                name,
                Map.of("apiVersion", apiVersion, "kind", kind, "metadata", metadata),
                false,
                KubeAction.DELETE);
    }
}
