package dev.arcfleet.executor.kube;

import dev.arcfleet.executor.route.KubeObject;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.util.Map;
import java.util.Objects;

/**
 * Applies desired Kubernetes objects idempotently and says what it did: {@code created}, {@code updated} or
 * {@code unchanged} (compared on everything but metadata and status), so a rerun is safe and visible.
 */
public class KubeApplier {
    public enum Result {
        CREATED, UPDATED, UNCHANGED
    }

    public Result apply(KubernetesClient client, KubeObject object, Map<String, Object> manifest) {
        GenericKubernetesResource desired = client.getKubernetesSerialization().convertValue(manifest,
                GenericKubernetesResource.class);
        GenericKubernetesResource current = get(client, object.apiVersion(), object.kind(), object.namespace(), object.name());
        if (current == null) {
            create(client, object, desired);
            return Result.CREATED;
        }
        if (sameContent(current, desired)) {
            return Result.UNCHANGED;
        }
        desired.getMetadata().setResourceVersion(current.getMetadata().getResourceVersion());
        if (object.namespace() == null) {
            client.genericKubernetesResources(object.apiVersion(), object.kind()).resource(desired).update();
        } else {
            client.genericKubernetesResources(object.apiVersion(), object.kind()).inNamespace(object.namespace())
                    .resource(desired).update();
        }
        return Result.UPDATED;
    }

    /** The object as it is in the cluster, or null. */
    public GenericKubernetesResource get(KubernetesClient client, String apiVersion, String kind, String namespace, String name) {
        var resources = client.genericKubernetesResources(apiVersion, kind);
        return namespace == null || namespace.equals("null") ? resources.withName(name).get()
                : resources.inNamespace(namespace).withName(name).get();
    }

    private static void create(KubernetesClient client, KubeObject object, GenericKubernetesResource desired) {
        if (object.namespace() == null) {
            client.genericKubernetesResources(object.apiVersion(), object.kind()).resource(desired).create();
        } else {
            client.genericKubernetesResources(object.apiVersion(), object.kind()).inNamespace(object.namespace())
                    .resource(desired).create();
        }
    }

    private static boolean sameContent(GenericKubernetesResource current, GenericKubernetesResource desired) {
        Map<String, Object> a = current.getAdditionalProperties();
        Map<String, Object> b = desired.getAdditionalProperties();
        for (Map.Entry<String, Object> e : b.entrySet()) {
            if (!"status".equals(e.getKey()) && !Objects.equals(a.get(e.getKey()), e.getValue())) {
                return false;
            }
        }
        return true;
    }
}
