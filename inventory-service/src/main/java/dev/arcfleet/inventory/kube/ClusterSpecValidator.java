package dev.arcfleet.inventory.kube;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arcfleet.contracts.Capability;
import dev.arcfleet.contracts.DeviceClass;
import dev.arcfleet.contracts.FieldError;
import dev.arcfleet.support.kube.ClusterAccess;
import dev.arcfleet.support.kube.KubeconfigRules;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Checks a cluster registration field by field and answers every bad field at once. A kubeconfig pasted into the
 * request is refused: only a reference to one (a mounted file, or a Secret) may be registered.
 */
public class ClusterSpecValidator {
    private final java.nio.file.Path kubeconfigDir;
    private final List<String> secretNamespaces;

    /** Paths only inside {@code kubeconfigDir}; Secrets only in {@code secretNamespaces}. */
    public ClusterSpecValidator(java.nio.file.Path kubeconfigDir, List<String> secretNamespaces) {
        this.kubeconfigDir = kubeconfigDir;
        this.secretNamespaces = List.copyOf(secretNamespaces);
    }

    /** Cluster ids become the first segment of node ids and the key of {@code fleet.nodes}: DNS-label-like. */
    static final Pattern CLUSTER_ID = Pattern.compile("[a-z0-9]([a-z0-9.-]{0,61}[a-z0-9])?");

    static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");
    static final Pattern SECRET_KEY = Pattern.compile("[-._a-zA-Z0-9]{1,253}");
    static final int MAX_PATH = 1024;

    public record Result(ClusterSpec spec, List<FieldError> errors) {
        public boolean valid() {
            return errors.isEmpty();
        }
    }

    public Result validate(JsonNode body) {
        List<FieldError> errors = new ArrayList<>();
        if (body == null || !body.isObject()) {
            errors.add(new FieldError("$", "must be a JSON object"));
            return new Result(null, errors);
        }
        String id = text(body, "id", "id", true, 63, errors);
        if (id != null && !CLUSTER_ID.matcher(id).matches()) {
            errors.add(new FieldError(
                    "id",
                    "must be 1 to 63 lower-case letters, digits, '-' or '.', starting and ending"
                            + " with a letter or digit, got \"" + id + "\""));
        }
        String site = text(body, "site", "site", false, 128, errors);
        String distribution = text(body, "distribution", "distribution", false, 64, errors);
        DeviceClass deviceClass = deviceClass(body, errors);
        List<Capability> capabilities = capabilities(body.get("requiredCapabilities"), errors);
        if (body.has("kubeconfig")) {
            errors.add(inlineKubeconfig("kubeconfig"));
        }
        ClusterAccess access = access(body.get("access"), errors);
        if (!errors.isEmpty()) {
            return new Result(null, errors);
        }
        return new Result(new ClusterSpec(id, site, distribution, deviceClass, capabilities, access), List.of());
    }

    private ClusterAccess access(JsonNode access, List<FieldError> errors) {
        if (absent(access)) {
            errors.add(new FieldError(
                    "access",
                    "is required: {\"mode\": \"IN_CLUSTER\" | \"KUBECONFIG_FILE\" | \"KUBECONFIG_SECRET\", ...}"));
            return null;
        }
        if (!access.isObject()) {
            errors.add(new FieldError("access", "must be an object"));
            return null;
        }
        if (access.has("kubeconfig")) {
            errors.add(inlineKubeconfig("access.kubeconfig"));
        }
        String modeText = text(access, "mode", "access.mode", true, 32, errors);
        ClusterAccess.Mode mode = null;
        if (modeText != null) {
            mode = Arrays.stream(ClusterAccess.Mode.values())
                    .filter(m -> m.name().equalsIgnoreCase(modeText.trim()))
                    .findFirst()
                    .orElse(null);
            if (mode == null) {
                errors.add(new FieldError(
                        "access.mode",
                        "must be one of " + names(ClusterAccess.Mode.values()) + ", got \"" + modeText + "\""));
            }
        }
        String path = text(access, "path", "access.path", mode == ClusterAccess.Mode.KUBECONFIG_FILE, MAX_PATH, errors);
        if (path != null && mode != null && mode != ClusterAccess.Mode.KUBECONFIG_FILE) {
            errors.add(new FieldError("access.path", "is only for mode KUBECONFIG_FILE"));
        } else if (path != null) {
            String problem = KubeconfigRules.pathProblem(kubeconfigDir, DiscoveryBeans.KUBECONFIG_DIR_SETTING, path);
            if (problem != null) {
                errors.add(new FieldError("access.path", problem));
            }
        }
        ClusterAccess.SecretRef secret = secret(access.get("secret"), mode, errors);
        if (mode == null) {
            return null;
        }
        return new ClusterAccess(
                mode,
                mode == ClusterAccess.Mode.KUBECONFIG_FILE ? path : null,
                mode == ClusterAccess.Mode.KUBECONFIG_SECRET ? secret : null);
    }

    private ClusterAccess.SecretRef secret(JsonNode secret, ClusterAccess.Mode mode, List<FieldError> errors) {
        boolean wanted = mode == ClusterAccess.Mode.KUBECONFIG_SECRET;
        if (absent(secret)) {
            if (wanted) {
                errors.add(new FieldError(
                        "access.secret",
                        "is required for mode KUBECONFIG_SECRET: "
                                + "{\"namespace\": ..., \"name\": ..., \"key\": \"kubeconfig\"}"));
            }
            return null;
        }
        if (mode != null && !wanted) {
            errors.add(new FieldError("access.secret", "is only for mode KUBECONFIG_SECRET"));
            return null;
        }
        if (!secret.isObject()) {
            errors.add(new FieldError("access.secret", "must be an object with namespace, name and key"));
            return null;
        }
        String namespace = text(secret, "namespace", "access.secret.namespace", true, 63, errors);
        if (namespace != null && !DNS_LABEL.matcher(namespace).matches()) {
            errors.add(new FieldError("access.secret.namespace", "must be a Kubernetes namespace name (DNS label)"));
        } else if (namespace != null && !secretNamespaces.contains(namespace)) {
            errors.add(new FieldError(
                    "access.secret.namespace",
                    "must be one of " + secretNamespaces
                            + " (fleet.discovery.kubeconfig-secret-namespaces), where kubeconfig Secrets are kept"));
        }
        String name = text(secret, "name", "access.secret.name", true, 253, errors);
        if (name != null && !DNS_SUBDOMAIN.matcher(name).matches()) {
            errors.add(new FieldError("access.secret.name", "must be a Kubernetes object name (DNS subdomain)"));
        }
        String key = text(secret, "key", "access.secret.key", false, 253, errors);
        if (key != null && !SECRET_KEY.matcher(key).matches()) {
            errors.add(
                    new FieldError("access.secret.key", "must be a Secret data key: letters, digits, '-', '_' or '.'"));
        }
        return new ClusterAccess.SecretRef(namespace, name, key == null ? ClusterAccess.DEFAULT_SECRET_KEY : key);
    }

    private static DeviceClass deviceClass(JsonNode body, List<FieldError> errors) {
        String value = text(body, "deviceClass", "deviceClass", false, 32, errors);
        if (value == null) {
            return null;
        }
        try {
            return DeviceClass.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            errors.add(new FieldError(
                    "deviceClass", "must be one of " + names(DeviceClass.values()) + ", got \"" + value + "\""));
            return null;
        }
    }

    private static List<Capability> capabilities(JsonNode caps, List<FieldError> errors) {
        if (absent(caps)) {
            return List.of();
        }
        if (!caps.isArray()) {
            errors.add(new FieldError("requiredCapabilities", "must be an array of " + names(Capability.values())));
            return List.of();
        }
        EnumSet<Capability> result = EnumSet.noneOf(Capability.class);
        for (int i = 0; i < caps.size(); i++) {
            JsonNode c = caps.get(i);
            Capability capability = c.isTextual()
                    ? Arrays.stream(Capability.values())
                            .filter(v -> v.name().equalsIgnoreCase(c.asText().trim()))
                            .findFirst()
                            .orElse(null)
                    : null;
            if (capability == null) {
                errors.add(new FieldError(
                        "requiredCapabilities[" + i + "]",
                        "must be one of " + names(Capability.values()) + ", got "
                                + (c.isTextual()
                                        ? "\"" + c.asText() + "\""
                                        : c.getNodeType().name().toLowerCase(Locale.ROOT))));
            } else {
                result.add(capability);
            }
        }
        return List.copyOf(result);
    }

    private static String text(
            JsonNode parent, String field, String path, boolean required, int max, List<FieldError> errors) {
        JsonNode v = parent.get(field);
        if (absent(v) || v.isTextual() && v.asText().isBlank()) {
            if (required) {
                errors.add(new FieldError(path, "is required"));
            }
            return null;
        }
        if (!v.isTextual()) {
            errors.add(new FieldError(path, "must be a string"));
            return null;
        }
        if (v.asText().length() > max) {
            errors.add(new FieldError(
                    path,
                    "must be at most " + max + " characters, got " + v.asText().length()));
            return null;
        }
        return v.asText().trim();
    }

    private static FieldError inlineKubeconfig(String path) {
        return new FieldError(
                path,
                "kubeconfig contents are not accepted: mount the file (mode KUBECONFIG_FILE) or keep it"
                        + " in a Secret (mode KUBECONFIG_SECRET) and register the reference");
    }

    private static boolean absent(JsonNode v) {
        return v == null || v.isNull() || v.isMissingNode();
    }

    private static String names(Enum<?>[] values) {
        return Arrays.stream(values).map(Enum::name).collect(Collectors.joining(", "));
    }
}
