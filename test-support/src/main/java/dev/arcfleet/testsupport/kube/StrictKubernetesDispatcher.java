package dev.arcfleet.testsupport.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.crud.KubernetesCrudDispatcherException;
import io.fabric8.mockwebserver.crud.Attribute;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.zjsonpatch.JsonPatch;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The fabric8 CRUD mock API server made to refuse what a real Kubernetes API server refuses, with the {@code Status}
 * a real one answers ({@code kind: Status}, {@code status: Failure}, its {@code reason}, {@code message} and
 * {@code code}, per the Kubernetes API conventions), so that code that works against it works against a cluster:
 * <ol>
 * <li><b>No objects in a namespace that does not exist.</b> The {@code NamespaceLifecycle} admission plugin (on by
 * default in every API server) refuses a namespaced object whose namespace is missing: creating, replacing or
 * patching one answers 404 {@code NotFound}, {@code namespaces "<ns>" not found}. Namespaces are cluster-scoped and
 * always accepted. Existence is asked of this dispatcher's own store (a GET of {@code /api/v1/namespaces/<ns>}).
 * Like the plugin, the immortal namespaces {@code default}, {@code kube-system} and {@code kube-public} cannot be
 * deleted (403 {@code Forbidden}, {@code this namespace may not be deleted}).</li>
 * <li><b>A Job's pod template and selector are immutable.</b> Per the batch/v1 Job documentation (and the API
 * server's Job validation) {@code spec.template} and {@code spec.selector} of an existing Job cannot change: a PUT or
 * PATCH that changes them answers 422 {@code Invalid},
 * {@code Job.batch "<name>" is invalid: spec.template: Invalid value: core.PodTemplateSpec{...}: field is immutable}.
 * What the API server adds itself is not a change: the {@code controller-uid}, {@code job-name} and
 * {@code batch.kubernetes.io/*} labels of the template, the selector it generates, a selector left out of a PUT.
 * Changes outside the template (labels, annotations, parallelism, suspend, ...) go through.</li>
 * <li><b>Only served resources exist.</b> An API server serves its built-in groups and the custom resources whose
 * definitions are installed; anything else answers 404 {@code NotFound},
 * {@code the server could not find the requested resource} (what {@code kubectl} reports for a kind the cluster does
 * not know). Served here: the built-in {@link #BUILT_IN} group versions with their resources, the custom resources
 * this dispatcher was made with or told of ({@link #expectCustomResource}), and those of CustomResourceDefinitions
 * created in it.</li>
 * <li><b>Deleting a namespace deletes what is in it.</b> The namespace controller of a real cluster deletes every
 * object in a deleted namespace before the namespace goes; here it happens synchronously, in the same request, each
 * deletion seen by watches.</li>
 * </ol>
 * A 404 the mock answers without a body (an object that is not there) gets the real {@code Status} too:
 * {@code secrets "<name>" not found}, {@code jobs.batch "<name>" not found}.
 * <p>
 * Everything else is the {@link KubernetesCrudDispatcher}: CRUD, watches, status subresource updates, JSON and merge
 * patches (not strategic merge or server-side apply: 415).
 */
public class StrictKubernetesDispatcher extends KubernetesCrudDispatcher {
    /** The built-in group versions an API server serves here and their resources ({@code kubectl api-resources}). */
    public static final Map<String, Set<String>> BUILT_IN = Map.of(
            "v1",
                    Set.of(
                            "bindings",
                            "componentstatuses",
                            "configmaps",
                            "endpoints",
                            "events",
                            "limitranges",
                            "namespaces",
                            "nodes",
                            "persistentvolumeclaims",
                            "persistentvolumes",
                            "pods",
                            "podtemplates",
                            "replicationcontrollers",
                            "resourcequotas",
                            "secrets",
                            "serviceaccounts",
                            "services"),
            "apps/v1", Set.of("controllerrevisions", "daemonsets", "deployments", "replicasets", "statefulsets"),
            "batch/v1", Set.of("cronjobs", "jobs"),
            "rbac.authorization.k8s.io/v1", Set.of("clusterrolebindings", "clusterroles", "rolebindings", "roles"),
            "apiextensions.k8s.io/v1", Set.of("customresourcedefinitions"),
            "coordination.k8s.io/v1", Set.of("leases"),
            "networking.k8s.io/v1",
                    Set.of("ingressclasses", "ingresses", "networkpolicies", "ipaddresses", "servicecidrs"),
            "policy/v1", Set.of("poddisruptionbudgets"),
            "storage.k8s.io/v1",
                    Set.of(
                            "csidrivers",
                            "csinodes",
                            "csistoragecapacities",
                            "storageclasses",
                            "volumeattachments",
                            "volumeattributesclasses"));

    /** What {@code NamespaceLifecycle} never lets go. */
    static final Set<String> IMMORTAL_NAMESPACES = Set.of("default", "kube-system", "kube-public");

    private static final String CRDS_PATH = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Set<CustomResourceDefinitionContext> customResources = ConcurrentHashMap.newKeySet();
    /**
     * Writes one at a time, so that "the namespace exists" still holds when the object is stored, and a namespace's
     * deletion and its contents' go together. Reads (and watches) are not held up.
     */
    private final ReentrantLock writes = new ReentrantLock();
    /**
     * Requests other than GET answered (creates, updates, patches, deletes), whatever they answered; counted once the
     * request is done, so a reader that sees the count unchanged has seen every write it counts.
     */
    private final java.util.concurrent.atomic.AtomicInteger writeRequests =
            new java.util.concurrent.atomic.AtomicInteger();

    /** Serves the built-in groups and these custom resources (more can be told with {@link #expectCustomResource}). */
    public StrictKubernetesDispatcher(List<CustomResourceDefinitionContext> customResources) {
        // not handed to super: its constructor would call our expectCustomResource before our fields exist
        super(List.of());
        customResources.forEach(this::expectCustomResource);
    }

    @Override
    public void expectCustomResource(CustomResourceDefinitionContext rdc) {
        customResources.add(rdc);
        super.expectCustomResource(rdc);
    }

    /** How many requests other than GET this API server answered. */
    public int writeRequests() {
        return writeRequests.get();
    }

    @Override
    public void reset() {
        super.reset();
        customResources.clear();
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        ApiPath target = ApiPath.parse(request.getPath());
        if (target != null && !served(target)) {
            return status(404, "NotFound", "the server could not find the requested resource", JSON.createObjectNode());
        }
        String method = request.getMethod();
        boolean write = !"GET".equalsIgnoreCase(method);
        if (write) {
            writes.lock();
        }
        try {
            return withNotFoundStatus(super.dispatch(request), target);
        } finally {
            if (write) {
                writeRequests.incrementAndGet();
                writes.unlock();
            }
        }
    }

    @Override
    public MockResponse handleCreate(RecordedRequest request) {
        MockResponse refused = refuseMissingNamespace(ApiPath.parse(request.getPath()));
        return refused != null ? refused : super.handleCreate(secretDataMerged(request));
    }

    @Override
    public MockResponse handleUpdate(RecordedRequest request) {
        ApiPath target = ApiPath.parse(request.getPath());
        MockResponse refused = refuseMissingNamespace(target);
        if (refused == null) {
            refused = refuseImmutableJobChange(target, request, false);
        }
        return refused != null ? refused : super.handleUpdate(secretDataMerged(request));
    }

    // --- a Secret's stringData: "a write-only convenience field ... merged into the data field on write"
    // (Kubernetes API reference, Secret v1), so a read never returns stringData ---

    private static RecordedRequest secretDataMerged(RecordedRequest request) {
        ApiPath target = ApiPath.parse(request.getPath());
        if (target == null || !target.group().isEmpty() || !"secrets".equals(target.resource())) {
            return request;
        }
        try {
            JsonNode body = JSON.readTree(request.getUtf8Body());
            if (!(body instanceof ObjectNode secret) || !(secret.get("stringData") instanceof ObjectNode stringData)) {
                return request;
            }
            ObjectNode data = secret.get("data") instanceof ObjectNode existing ? existing : secret.putObject("data");
            stringData
                    .fields()
                    .forEachRemaining(e -> data.put(
                            e.getKey(),
                            java.util.Base64.getEncoder()
                                    .encodeToString(e.getValue().asText().getBytes(StandardCharsets.UTF_8))));
            secret.remove("stringData");
            return new RecordedRequest(
                    request.getHttpVersion(),
                    request.method(),
                    request.getPath(),
                    request.getHeaders(),
                    new Buffer(JSON.writeValueAsBytes(secret)));
        } catch (java.io.IOException e) {
            return request;
        }
    }

    @Override
    public MockResponse handlePatch(RecordedRequest request) {
        ApiPath target = ApiPath.parse(request.getPath());
        MockResponse refused = refuseMissingNamespace(target);
        if (refused == null) {
            refused = refuseImmutableJobChange(target, request, true);
        }
        return refused != null ? refused : super.handlePatch(request);
    }

    @Override
    public MockResponse handleDelete(String path) {
        ApiPath target = ApiPath.parse(path);
        if (target != null && target.isNamespace()) {
            if (IMMORTAL_NAMESPACES.contains(target.name())) {
                ObjectNode details =
                        JSON.createObjectNode().put("name", target.name()).put("kind", "namespaces");
                return status(
                        403,
                        "Forbidden",
                        "namespaces \"" + target.name() + "\" is forbidden: this namespace may not be deleted",
                        details);
            }
            if (namespaceExists(target.name())) {
                deleteContents(target.name());
            }
        }
        return super.handleDelete(path);
    }

    // --- rule 1: NamespaceLifecycle ---

    private MockResponse refuseMissingNamespace(ApiPath target) {
        if (target == null || target.namespace() == null || namespaceExists(target.namespace())) {
            return null;
        }
        ObjectNode details =
                JSON.createObjectNode().put("name", target.namespace()).put("kind", "namespaces");
        return status(404, "NotFound", "namespaces \"" + target.namespace() + "\" not found", details);
    }

    private boolean namespaceExists(String namespace) {
        return handleGet("/api/v1/namespaces/" + namespace).code() == 200;
    }

    // --- rule 2: a Job's template and selector are immutable ---

    private MockResponse refuseImmutableJobChange(ApiPath target, RecordedRequest request, boolean patch) {
        if (target == null
                || !"batch".equals(target.group())
                || !"v1".equals(target.version())
                || !"jobs".equals(target.resource())
                || target.name() == null
                || target.subresource() != null) {
            return null;
        }
        MockResponse stored = handleGet(target.objectPath());
        if (stored.code() != 200) {
            return null; // the mock answers 404 itself
        }
        JsonNode current;
        JsonNode updated;
        try {
            current = asNode(utf8(stored.getBody()));
            String body = utf8(request.getBody());
            updated = patch ? patched(current, body, request.getHeader("Content-Type")) : asNode(body);
        } catch (KubernetesCrudDispatcherException | RuntimeException e) {
            return null; // a body the mock cannot read: it answers that itself
        }
        if (updated == null) {
            return null;
        }
        List<String[]> invalid = new ArrayList<>(); // field, value
        JsonNode newSelector = selector(updated.path("spec").path("selector"));
        if (!newSelector.isMissingNode()
                && !newSelector.equals(selector(current.path("spec").path("selector")))) {
            invalid.add(new String[] {"spec.selector", "v1.LabelSelector{...}"});
        }
        if (!template(updated.path("spec").path("template"))
                .equals(template(current.path("spec").path("template")))) {
            invalid.add(new String[] {"spec.template", "core.PodTemplateSpec{...}"});
        }
        if (invalid.isEmpty()) {
            return null;
        }
        ArrayNode causes = JSON.createArrayNode();
        List<String> errors = new ArrayList<>();
        for (String[] field : invalid) {
            String message = "Invalid value: " + field[1] + ": field is immutable";
            causes.addObject()
                    .put("reason", "FieldValueInvalid")
                    .put("message", message)
                    .put("field", field[0]);
            errors.add(field[0] + ": " + message);
        }
        String listed = errors.size() == 1 ? errors.get(0) : "[" + String.join(", ", errors) + "]";
        ObjectNode details = JSON.createObjectNode()
                .put("name", target.name())
                .put("group", "batch")
                .put("kind", "Job");
        details.set("causes", causes);
        return status(422, "Invalid", "Job.batch \"" + target.name() + "\" is invalid: " + listed, details);
    }

    /** The Job as the mock's patch handler will make it (JSON patch or its merge); null for a patch type it refuses. */
    private JsonNode patched(JsonNode current, String body, String contentType)
            throws KubernetesCrudDispatcherException {
        String subtype = contentType == null
                ? "json-patch+json"
                : contentType
                        .replaceFirst(";.*", "")
                        .replaceFirst("^[^/]*/", "")
                        .trim();
        if (subtype.equals("json-patch+json")) {
            JsonNode patch = asNode(body);
            return JsonPatch.apply(patch, withParents(current.deepCopy(), patch));
        }
        if (subtype.equals("merge-patch+json")) {
            return merge(current, body);
        }
        return null;
    }

    /** Like the mock's patch handler: the objects on the way to each patched path exist. */
    private static JsonNode withParents(JsonNode resource, JsonNode patch) {
        for (JsonNode operation : patch) {
            String[] steps =
                    operation.path("path").asText().replaceAll("^/", "").split("/");
            JsonNode node = resource;
            for (int i = 0; i < steps.length - 1; i++) {
                if (node.get(steps[i]) == null && node.isObject()) {
                    ((ObjectNode) node).putObject(steps[i]);
                }
                node = node.path(steps[i]);
            }
        }
        return resource;
    }

    /** The template without what the API server adds to it, compared semantically (null and empty are absent). */
    private static JsonNode template(JsonNode template) {
        JsonNode copy = template.deepCopy();
        if (copy.path("metadata").path("labels") instanceof ObjectNode labels) {
            labels.remove(List.of("controller-uid", "job-name"));
            labels.properties().removeIf(label -> label.getKey().startsWith("batch.kubernetes.io/"));
        }
        return semantic(copy);
    }

    /** The selector without the one the API server generates (missing when that is all there is). */
    private static JsonNode selector(JsonNode selector) {
        JsonNode copy = selector.deepCopy();
        if (copy.path("matchLabels") instanceof ObjectNode labels) {
            labels.remove(List.of("controller-uid", "batch.kubernetes.io/controller-uid"));
        }
        return semantic(copy);
    }

    /** Null, empty objects and empty arrays are the same as absent (as Go's semantic equality has nil and empty). */
    private static JsonNode semantic(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return MissingNode.getInstance();
        }
        if (node instanceof ObjectNode object) {
            ObjectNode result = JSON.createObjectNode();
            object.properties().forEach(field -> {
                JsonNode value = semantic(field.getValue());
                if (!value.isMissingNode()) {
                    result.set(field.getKey(), value);
                }
            });
            return result.isEmpty() ? MissingNode.getInstance() : result;
        }
        if (node instanceof ArrayNode array) {
            ArrayNode result = JSON.createArrayNode();
            array.forEach(element -> {
                JsonNode value = semantic(element);
                result.add(value.isMissingNode() ? JSON.getNodeFactory().nullNode() : value);
            });
            return result.isEmpty() ? MissingNode.getInstance() : result;
        }
        return node;
    }

    // --- rule 3: only served resources ---

    private boolean served(ApiPath target) {
        if (target.version() == null) { // /apis/<group>
            return BUILT_IN.keySet().stream().anyMatch(gv -> gv.startsWith(target.group() + "/"))
                    || customResources.stream().anyMatch(c -> c.getGroup().equals(target.group()))
                    || installedCustomResource(target.group(), null, null);
        }
        Set<String> builtIn = BUILT_IN.get(target.groupVersion());
        if (builtIn != null) {
            return target.resource() == null || builtIn.contains(target.resource());
        }
        if (target.group().isEmpty()) {
            return false; // /api/<not v1>
        }
        return customResources.stream()
                        .anyMatch(c -> c.getGroup().equals(target.group())
                                && c.getVersion().equals(target.version())
                                && (target.resource() == null || c.getPlural().equals(target.resource())))
                || installedCustomResource(target.group(), target.version(), target.resource());
    }

    /** Whether a CustomResourceDefinition in the store serves this group (and version and plural, when given). */
    private boolean installedCustomResource(String group, String version, String plural) {
        MockResponse response = handleGet(CRDS_PATH);
        if (response.code() != 200) {
            return false;
        }
        try {
            for (JsonNode crd : JSON.readTree(utf8(response.getBody())).path("items")) {
                JsonNode spec = crd.path("spec");
                if (!group.equals(spec.path("group").asText())
                        || plural != null
                                && !plural.equals(
                                        spec.path("names").path("plural").asText())) {
                    continue;
                }
                if (version == null) {
                    return true;
                }
                for (JsonNode served : spec.path("versions")) {
                    if (version.equals(served.path("name").asText())
                            && served.path("served").asBoolean(true)) {
                        return true;
                    }
                }
            }
        } catch (Exception e) {
            return false;
        }
        return false;
    }

    // --- rule 4: a namespace's deletion deletes its contents ---

    private void deleteContents(String namespace) {
        List<String> paths = new ArrayList<>();
        synchronized (map) {
            for (AttributeSet key : map.keySet()) {
                String version = value(key, "version");
                String plural = value(key, "plural");
                String name = value(key, "name");
                if (namespace.equals(value(key, "namespace")) && version != null && plural != null && name != null) {
                    String api = value(key, "api");
                    paths.add((api == null ? "/api/" + version : "/apis/" + api + "/" + version) + "/namespaces/"
                            + namespace + "/" + plural + "/" + name);
                }
            }
        }
        paths.forEach(super::handleDelete);
    }

    private static String value(AttributeSet key, String name) {
        Attribute attribute = key.getAttribute(name);
        return attribute == null || attribute.getValues().isEmpty()
                ? null
                : attribute.getValues().get(0).toString();
    }

    // --- Status bodies ---

    /** An object that is not there, worded like the API server ({@code jobs.batch "x" not found}). */
    private static MockResponse withNotFoundStatus(MockResponse response, ApiPath target) {
        if (response == null
                || response.code() != 404
                || response.getBody() != null && response.getBody().size() > 0
                || target == null
                || target.resource() == null
                || target.name() == null) {
            return response;
        }
        String resource = target.group().isEmpty() ? target.resource() : target.resource() + "." + target.group();
        ObjectNode details = JSON.createObjectNode().put("name", target.name());
        if (!target.group().isEmpty()) {
            details.put("group", target.group());
        }
        details.put("kind", target.resource());
        return status(404, "NotFound", resource + " \"" + target.name() + "\" not found", details);
    }

    /** A {@code Status} as the API server answers it. */
    static MockResponse status(int code, String reason, String message, ObjectNode details) {
        ObjectNode status = JSON.createObjectNode().put("kind", "Status").put("apiVersion", "v1");
        status.putObject("metadata");
        status.put("status", "Failure").put("message", message).put("reason", reason);
        status.set("details", details);
        status.put("code", code);
        return new MockResponse()
                .setResponseCode(code)
                .setHeader("Content-Type", "application/json")
                .setBody(status.toString());
    }

    private static String utf8(Buffer body) {
        return body == null ? "" : new String(body.getBytes(), StandardCharsets.UTF_8); // getBytes leaves it unread
    }

    /**
     * What a request path addresses: {@code /api/v1[/namespaces/<ns>]/<resource>[/<name>[/<subresource>]]} or
     * {@code /apis/<group>/<version>[/namespaces/<ns>]/<resource>[/<name>[/<subresource>]]}; without a resource it is a
     * discovery request (and without a version, of a group). Null for anything else ({@code /api}, {@code /apis},
     * {@code /version}, ...), which is not checked.
     */
    record ApiPath(String group, String version, String namespace, String resource, String name, String subresource) {
        static ApiPath parse(String path) {
            if (path == null) {
                return null;
            }
            int query = path.indexOf('?');
            String[] segments = (query < 0 ? path : path.substring(0, query))
                    .replaceAll("^/+|/+$", "")
                    .split("/+");
            int rest;
            String group;
            String version;
            if (segments[0].equals("api") && segments.length >= 2) {
                group = "";
                version = segments[1];
                rest = 2;
            } else if (segments[0].equals("apis") && segments.length >= 2) {
                group = segments[1];
                if (segments.length == 2) {
                    return new ApiPath(group, null, null, null, null, null);
                }
                version = segments[2];
                rest = 3;
            } else {
                return null;
            }
            int n = segments.length - rest;
            if (n == 0) {
                return new ApiPath(group, version, null, null, null, null);
            }
            boolean namespaced = segments[rest].equals("namespaces")
                    && n >= 3
                    && !(group.isEmpty()
                            && n == 3
                            && Set.of("status", "finalize").contains(segments[rest + 2]));
            if (namespaced) {
                return new ApiPath(
                        group,
                        version,
                        segments[rest + 1],
                        segments[rest + 2],
                        n > 3 ? segments[rest + 3] : null,
                        n > 4 ? segments[rest + 4] : null);
            }
            return new ApiPath(
                    group,
                    version,
                    null,
                    segments[rest],
                    n > 1 ? segments[rest + 1] : null,
                    n > 2 ? segments[rest + 2] : null);
        }

        String groupVersion() {
            return group.isEmpty() ? version : group + "/" + version;
        }

        boolean isNamespace() {
            return group.isEmpty()
                    && "v1".equals(version)
                    && namespace == null
                    && "namespaces".equals(resource)
                    && name != null
                    && subresource == null;
        }

        String objectPath() {
            return (group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version)
                    + (namespace == null ? "" : "/namespaces/" + namespace) + "/" + resource + "/" + name;
        }
    }
}
