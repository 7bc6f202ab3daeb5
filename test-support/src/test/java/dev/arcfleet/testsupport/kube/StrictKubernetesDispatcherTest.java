package dev.arcfleet.testsupport.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StrictKubernetesDispatcherTest {
    private static final String WITH_KUBEVIRT = "edge-kubevirt";
    private static final String WITHOUT_KUBEVIRT = "edge-plain";

    @TempDir
    static Path dir;

    static MockClusters clusters;
    static KubernetesClient kubevirt;
    static KubernetesClient plain;

    @BeforeAll
    static void start() {
        clusters = MockClusters.start(
                dir.resolve("kubeconfigs"), List.of(WITH_KUBEVIRT, WITHOUT_KUBEVIRT), Set.of(WITHOUT_KUBEVIRT));
        kubevirt = clusters.client(WITH_KUBEVIRT);
        plain = clusters.client(WITHOUT_KUBEVIRT);
    }

    @AfterAll
    static void stop() {
        if (clusters != null) {
            clusters.close();
        }
    }

    @Test
    void startsEveryClusterWithItsKubeconfigAndTheInitialNamespaces() {
        assertThat(clusters.clusterIds()).containsExactly(WITH_KUBEVIRT, WITHOUT_KUBEVIRT);
        assertThat(Files.exists(dir.resolve("kubeconfigs").resolve(WITHOUT_KUBEVIRT)))
                .isTrue();
        assertThat(clusters.hasKubeVirt(WITH_KUBEVIRT)).isTrue();
        assertThat(clusters.hasKubeVirt(WITHOUT_KUBEVIRT)).isFalse();
        for (KubernetesClient client : List.of(kubevirt, plain)) {
            assertThat(client.namespaces().list().getItems())
                    .extracting(ns -> ns.getMetadata().getName())
                    .containsAll(MockClusters.INITIAL_NAMESPACES);
        }
    }

    // --- rule 1: NamespaceLifecycle ---

    @Test
    void refusesAnObjectInANamespaceThatDoesNotExistUntilItIsCreated() {
        GenericKubernetesResource secret = secret("team-a", "creds", "v1");

        assertRefused(
                () -> secrets(plain, "team-a").resource(secret).create(),
                404,
                "NotFound",
                "namespaces \"team-a\" not found");
        // with a resourceVersion, so that the client PUTs without GETting first
        GenericKubernetesResource replacement = secret("team-a", "creds", "v2");
        replacement.getMetadata().setResourceVersion("1");
        assertRefused(
                () -> secrets(plain, "team-a").resource(replacement).update(),
                404,
                "NotFound",
                "namespaces \"team-a\" not found");
        // the client GETs before it PATCHes (and that answers secrets "creds" not found): PATCH directly
        HttpResponse<String> patched = raw(
                plain,
                "PATCH",
                "/api/v1/namespaces/team-a/secrets/creds",
                "application/merge-patch+json",
                "{\"metadata\":{\"labels\":{\"a\":\"b\"}}}");
        assertThat(patched.code()).isEqualTo(404);
        assertThat(patched.body())
                .isEqualTo("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},"
                        + "\"status\":\"Failure\",\"message\":\"namespaces \\\"team-a\\\" not found\",\"reason\":\"NotFound\","
                        + "\"details\":{\"name\":\"team-a\",\"kind\":\"namespaces\"},\"code\":404}");
        Status status = plain.getKubernetesSerialization().unmarshal(patched.body(), Status.class);
        assertThat(status.getReason()).isEqualTo("NotFound");
        assertThat(status.getMessage()).isEqualTo("namespaces \"team-a\" not found");
        assertThat(secrets(plain, "team-a").withName("creds").get()).isNull();

        createNamespace(plain, "team-a");
        secrets(plain, "team-a").resource(secret).create();

        GenericKubernetesResource stored =
                secrets(plain, "team-a").withName("creds").get();
        assertThat(stored).isNotNull();
        assertThat(stored.getMetadata().getNamespace()).isEqualTo("team-a");
    }

    @Test
    void theInitialNamespacesTakeObjectsAndTheImmortalOnesCannotBeDeleted() {
        secrets(kubevirt, "default")
                .resource(secret("default", "in-default", "v1"))
                .create();
        secrets(kubevirt, "kube-system")
                .resource(secret("kube-system", "in-kube-system", "v1"))
                .create();

        assertRefused(
                () -> kubevirt.namespaces().withName("default").delete(),
                403,
                "Forbidden",
                "namespaces \"default\" is forbidden: this namespace may not be deleted");
        assertThat(kubevirt.namespaces().withName("default").get()).isNotNull();
    }

    @Test
    void namespacesThemselvesAndClusterScopedObjectsNeedNoNamespace() {
        createNamespace(plain, "team-cluster-scoped");
        MixedOperation<GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>>
                bindings = plain.genericKubernetesResources("rbac.authorization.k8s.io/v1", "ClusterRoleBinding");
        bindings.resource(resource(
                        "rbac.authorization.k8s.io/v1",
                        "ClusterRoleBinding",
                        null,
                        "installer",
                        Map.of(
                                "roleRef",
                                        Map.of(
                                                "apiGroup",
                                                "rbac.authorization.k8s.io",
                                                "kind",
                                                "ClusterRole",
                                                "name",
                                                "cluster-admin"),
                                "subjects",
                                        List.of(Map.of(
                                                "kind",
                                                "ServiceAccount",
                                                "name",
                                                "installer",
                                                "namespace",
                                                "team-cluster-scoped")))))
                .create();

        assertThat(bindings.withName("installer").get()).isNotNull();
    }

    @Test
    void aMissingObjectIsNotFoundInTheApiServersWords() {
        createNamespace(plain, "team-missing");

        assertRefused(
                () -> secrets(plain, "team-missing")
                        .resource(secret("team-missing", "absent", "v1"))
                        .update(),
                404,
                "NotFound",
                "secrets \"absent\" not found");
        assertRefused(
                () -> jobs(plain, "team-missing")
                        .resource(job("team-missing", "absent", "busybox:1"))
                        .update(),
                404,
                "NotFound",
                "jobs.batch \"absent\" not found");
    }

    // --- rule 2: a Job's template and selector are immutable ---

    @Test
    void refusesAChangeToAJobsPodTemplateByPutAndPatch() {
        createNamespace(plain, "team-jobs");
        jobs(plain, "team-jobs")
                .resource(job("team-jobs", "install", "installer:1"))
                .create();

        String immutable = "Job.batch \"install\" is invalid: spec.template: Invalid value: core.PodTemplateSpec{...}: "
                + "field is immutable";
        assertRefused(
                () -> jobs(plain, "team-jobs")
                        .resource(job("team-jobs", "install", "installer:2"))
                        .update(),
                422,
                "Invalid",
                immutable);
        assertRefused(
                () -> jobs(plain, "team-jobs").withName("install").edit(job -> {
                    containers(job).get(0).put("image", "installer:2");
                    return job;
                }),
                422,
                "Invalid",
                immutable);
        assertRefused(
                () -> jobs(plain, "team-jobs")
                        .withName("install")
                        .patch(
                                PatchContext.of(PatchType.JSON_MERGE),
                                "{\"spec\":{\"template\":{\"metadata\":{\"labels\":{\"extra\":\"label\"}}}}}"),
                422,
                "Invalid",
                immutable);

        KubernetesClientException refused = catchRefusal(() -> jobs(plain, "team-jobs")
                .resource(job("team-jobs", "install", "installer:2"))
                .update());
        assertThat(refused.getStatus().getDetails().getKind()).isEqualTo("Job");
        assertThat(refused.getStatus().getDetails().getGroup()).isEqualTo("batch");
        assertThat(refused.getStatus().getDetails().getCauses())
                .singleElement()
                .satisfies(cause -> assertThat(cause.getField()).isEqualTo("spec.template"));
        assertThat(containers(jobs(plain, "team-jobs").withName("install").get())
                        .get(0)
                        .get("image"))
                .isEqualTo("installer:1");
    }

    @Test
    void refusesAChangeToAJobsSelector() {
        createNamespace(plain, "team-selector");
        GenericKubernetesResource job = job("team-selector", "install", "installer:1");
        spec(job).put("selector", Map.of("matchLabels", Map.of("app", "installer")));
        spec(job).put("manualSelector", true);
        jobs(plain, "team-selector").resource(job).create();

        GenericKubernetesResource changed = job("team-selector", "install", "installer:1");
        spec(changed).put("selector", Map.of("matchLabels", Map.of("app", "other")));
        spec(changed).put("manualSelector", true);
        assertRefused(
                () -> jobs(plain, "team-selector").resource(changed).update(),
                422,
                "Invalid",
                "Job.batch \"install\" is invalid: spec.selector: Invalid value: v1.LabelSelector{...}: field is immutable");
    }

    @Test
    void acceptsAnUnchangedReapplyAndChangesOutsideThePodTemplate() {
        createNamespace(kubevirt, "team-reapply");
        var jobs = jobs(kubevirt, "team-reapply");
        jobs.resource(job("team-reapply", "install", "installer:1")).create();

        // the same manifest again
        jobs.resource(job("team-reapply", "install", "installer:1")).update();

        // what a real API server adds (template labels, the generated selector) is not a change
        GenericKubernetesResource asServed = job("team-reapply", "install", "installer:1");
        @SuppressWarnings("unchecked")
        Map<String, Object> templateMetadata =
                (Map<String, Object>) ((Map<String, Object>) spec(asServed).get("template")).get("metadata");
        templateMetadata.put(
                "labels",
                Map.of(
                        "app",
                        "installer",
                        "controller-uid",
                        "0b3c",
                        "job-name",
                        "install",
                        "batch.kubernetes.io/controller-uid",
                        "0b3c",
                        "batch.kubernetes.io/job-name",
                        "install"));
        spec(asServed).put("selector", Map.of("matchLabels", Map.of("batch.kubernetes.io/controller-uid", "0b3c")));
        jobs.resource(asServed).update();

        // a label on the Job by PUT, an annotation by patch, parallelism by merge patch
        GenericKubernetesResource labelled = job("team-reapply", "install", "installer:1");
        labelled.getMetadata().setLabels(Map.of("arcfleet.dev/run", "2"));
        jobs.resource(labelled).update();
        jobs.withName("install").edit(job -> {
            job.getMetadata().setAnnotations(Map.of("arcfleet.dev/note", "edited"));
            return job;
        });
        jobs.withName("install").patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"parallelism\":2}}");

        GenericKubernetesResource stored = jobs.withName("install").get();
        assertThat(stored.getMetadata().getLabels()).containsEntry("arcfleet.dev/run", "2");
        assertThat(stored.getMetadata().getAnnotations()).containsEntry("arcfleet.dev/note", "edited");
        assertThat(spec(stored).get("parallelism")).isEqualTo(2);
    }

    // --- rule 3: only served resources ---

    @Test
    void aClusterWithoutKubeVirtDoesNotServeVirtualMachines() {
        createNamespace(plain, "companions");
        var vms =
                plain.genericKubernetesResources(MockClusters.VIRTUAL_MACHINES).inNamespace("companions");
        String notServed = "the server could not find the requested resource";

        assertRefused(() -> vms.resource(vm("companions", "vm-1")).create(), 404, "NotFound", notServed);
        assertRefused(vms::list, 404, "NotFound", notServed);
        // looking the kind up by apiVersion and kind finds nothing to serve it
        assertThatThrownBy(() -> plain.genericKubernetesResources("kubevirt.io/v1", "VirtualMachine")
                        .inNamespace("companions")
                        .list())
                .isInstanceOf(KubernetesClientException.class);
        // neither does an unknown group or resource, or another version of a built-in group
        assertRefused(
                () -> plain.genericKubernetesResources(new ResourceDefinitionContext.Builder()
                                .withGroup("example.com")
                                .withVersion("v1")
                                .withKind("Widget")
                                .withPlural("widgets")
                                .withNamespaced(true)
                                .build())
                        .inNamespace("companions")
                        .list(),
                404,
                "NotFound",
                notServed);
        assertRefused(
                () -> plain.genericKubernetesResources(new ResourceDefinitionContext.Builder()
                                .withGroup("batch")
                                .withVersion("v2")
                                .withKind("Job")
                                .withPlural("jobs")
                                .withNamespaced(true)
                                .build())
                        .inNamespace("companions")
                        .list(),
                404,
                "NotFound",
                notServed);
    }

    @Test
    void aClusterWithKubeVirtServesVirtualMachinesAndTheirStatus() {
        createNamespace(kubevirt, "companions");
        var vms = kubevirt.genericKubernetesResources(MockClusters.VIRTUAL_MACHINES)
                .inNamespace("companions");
        vms.resource(vm("companions", "vm-1")).create();
        assertThat(kubevirt.genericKubernetesResources("kubevirt.io/v1", "VirtualMachine")
                        .inNamespace("companions")
                        .list()
                        .getItems())
                .extracting(vm -> vm.getMetadata().getName())
                .containsExactly("vm-1");

        // as FleetSimulator does when KubeVirt starts the VM
        GenericKubernetesResource vm = vms.withName("vm-1").get();
        vm.getAdditionalProperties().put("status", Map.of("ready", true, "printableStatus", "Running"));
        vms.resource(vm).updateStatus();

        GenericKubernetesResource running = vms.withName("vm-1").get();
        assertThat(running.getAdditionalProperties().get("status"))
                .isEqualTo(Map.of("ready", true, "printableStatus", "Running"));
        assertThat(running.getAdditionalProperties().get("spec")).isEqualTo(Map.of("running", true));
    }

    // --- rule 4: deleting a namespace deletes its contents ---

    @Test
    void deletingANamespaceDeletesWhatIsInIt() throws Exception {
        createNamespace(kubevirt, "team-gone");
        createNamespace(kubevirt, "team-stays");
        secrets(kubevirt, "team-gone")
                .resource(secret("team-gone", "creds", "v1"))
                .create();
        jobs(kubevirt, "team-gone")
                .resource(job("team-gone", "install", "installer:1"))
                .create();
        kubevirt.genericKubernetesResources(MockClusters.VIRTUAL_MACHINES)
                .inNamespace("team-gone")
                .resource(vm("team-gone", "vm-1"))
                .create();
        secrets(kubevirt, "team-stays")
                .resource(secret("team-stays", "creds", "v1"))
                .create();

        List<String> events = new CopyOnWriteArrayList<>();
        try (Watch ignored = secrets(kubevirt, "team-gone").watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, GenericKubernetesResource resource) {
                events.add(action + " " + resource.getMetadata().getName());
            }

            @Override
            public void onClose(WatcherException cause) {}
        })) {
            await().atMost(5, TimeUnit.SECONDS).until(() -> events.contains("ADDED creds"));
            kubevirt.namespaces().withName("team-gone").delete();
            await().atMost(5, TimeUnit.SECONDS).until(() -> events.contains("DELETED creds"));
        }

        assertThat(kubevirt.namespaces().withName("team-gone").get()).isNull();
        assertThat(secrets(kubevirt, "team-gone").withName("creds").get()).isNull();
        assertThat(jobs(kubevirt, "team-gone").withName("install").get()).isNull();
        assertThat(kubevirt.genericKubernetesResources(MockClusters.VIRTUAL_MACHINES)
                        .inNamespace("team-gone")
                        .list()
                        .getItems())
                .isEmpty();
        assertThat(secrets(kubevirt, "team-stays").withName("creds").get()).isNotNull();
        // and the namespace is gone for new objects too
        assertRefused(
                () -> secrets(kubevirt, "team-gone")
                        .resource(secret("team-gone", "creds", "v1"))
                        .create(),
                404,
                "NotFound",
                "namespaces \"team-gone\" not found");
    }

    // --- helpers ---

    private static void assertRefused(ThrowingCallable call, int code, String reason, String message) {
        KubernetesClientException e = catchRefusal(call);
        assertThat(e.getCode()).as("code of %s", e.getMessage()).isEqualTo(code);
        Status status = e.getStatus();
        assertThat(status.getKind()).isEqualTo("Status");
        assertThat(status.getStatus()).isEqualTo("Failure");
        assertThat(status.getReason()).isEqualTo(reason);
        assertThat(status.getMessage()).isEqualTo(message);
        assertThat(status.getCode()).isEqualTo(code);
        assertThat(e.getMessage()).contains(message);
    }

    private static HttpResponse<String> raw(
            KubernetesClient client, String method, String path, String contentType, String body) {
        HttpClient http = client.getHttpClient();
        HttpRequest request = http.newHttpRequestBuilder()
                .uri(client.getMasterUrl().toString().replaceFirst("/$", "") + path)
                .method(method, contentType, body)
                .build();
        return http.sendAsync(request, String.class)
                .orTimeout(10, TimeUnit.SECONDS)
                .join();
    }

    private static KubernetesClientException catchRefusal(ThrowingCallable call) {
        List<KubernetesClientException> caught = new ArrayList<>();
        assertThatThrownBy(call).isInstanceOfSatisfying(KubernetesClientException.class, caught::add);
        return caught.get(0);
    }

    private static void createNamespace(KubernetesClient client, String name) {
        client.namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .endMetadata()
                        .build())
                .create();
    }

    private static NonNamespaceOperation<
                    GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>>
            secrets(KubernetesClient client, String namespace) {
        return client.genericKubernetesResources("v1", "Secret").inNamespace(namespace);
    }

    private static NonNamespaceOperation<
                    GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>>
            jobs(KubernetesClient client, String namespace) {
        return client.genericKubernetesResources("batch/v1", "Job").inNamespace(namespace);
    }

    private static GenericKubernetesResource secret(String namespace, String name, String value) {
        GenericKubernetesResource secret = resource("v1", "Secret", namespace, name, Map.of());
        secret.getAdditionalProperties().put("stringData", Map.of("value", value));
        return secret;
    }

    private static GenericKubernetesResource job(String namespace, String name, String image) {
        Map<String, Object> container =
                new LinkedHashMap<>(Map.of("name", "install", "image", image, "args", List.of("--set", "global.x=1")));
        Map<String, Object> template = new LinkedHashMap<>();
        template.put("metadata", new LinkedHashMap<>(Map.of("labels", Map.of("app", "installer"))));
        template.put(
                "spec",
                new LinkedHashMap<>(
                        Map.of("restartPolicy", "Never", "containers", new ArrayList<>(List.of(container)))));
        return resource(
                "batch/v1",
                "Job",
                namespace,
                name,
                new LinkedHashMap<>(Map.of("backoffLimit", 1, "template", template)));
    }

    private static GenericKubernetesResource vm(String namespace, String name) {
        return resource("kubevirt.io/v1", "VirtualMachine", namespace, name, Map.of("running", true));
    }

    private static GenericKubernetesResource resource(
            String apiVersion, String kind, String namespace, String name, Map<String, Object> spec) {
        GenericKubernetesResource resource = new GenericKubernetesResource();
        resource.setApiVersion(apiVersion);
        resource.setKind(kind);
        resource.setMetadata(
                new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
        resource.getAdditionalProperties().putAll(spec.isEmpty() ? Map.of() : Map.of("spec", spec));
        return resource;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> spec(GenericKubernetesResource resource) {
        return (Map<String, Object>) resource.getAdditionalProperties().get("spec");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> containers(GenericKubernetesResource job) {
        Map<String, Object> template = (Map<String, Object>) spec(job).get("template");
        return (List<Map<String, Object>>) ((Map<String, Object>) template.get("spec")).get("containers");
    }
}
