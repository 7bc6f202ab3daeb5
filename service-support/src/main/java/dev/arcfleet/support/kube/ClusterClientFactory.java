package dev.arcfleet.support.kube;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Turns a {@link ClusterAccess} into a Kubernetes client under {@link KubeconfigRules}: a file only inside
 * {@link KubeconfigSources#directory()}, a Secret only in an allowed namespace of the service's own cluster (read with
 * the service's own client), either at most {@link KubeconfigSources#maxBytes()}, and a kubeconfig that would run a
 * program or read a file is refused before fabric8 parses it. The kubeconfig is read at each connect (so a rotated file
 * or Secret is picked up) and lives only inside the client; messages name the reference, never the content.
 */
public final class ClusterClientFactory {
    private final KubernetesClient own;
    private final KubeconfigSources sources;
    private final HttpClient.Factory httpClients;

    /**
     * @param own the service's own client: {@code IN_CLUSTER}, reading Secrets, and the serialization every client shares
     * @param httpClients the HTTP client factory of every client built, or null for fabric8's default
     */
    public ClusterClientFactory(KubernetesClient own, KubeconfigSources sources, HttpClient.Factory httpClients) {
        this.own = own;
        this.sources = sources;
        this.httpClients = httpClients;
    }

    /** A client and whether it is ours to close (the service's own client is shared). */
    public record Connection(KubernetesClient client, boolean owned) implements AutoCloseable {
        @Override
        public void close() {
            if (owned) {
                client.close();
            }
        }
    }

    /** @throws ClusterAccessException when the reference is refused or its kubeconfig cannot be read or used */
    public Connection connect(ClusterAccess access) {
        return switch (access.mode()) {
            case IN_CLUSTER -> new Connection(own, false);
            case KUBECONFIG_FILE -> new Connection(build(access, readFile(access)), true);
            case KUBECONFIG_SECRET -> new Connection(build(access, readSecret(access)), true);
        };
    }

    private String readFile(ClusterAccess access) {
        if (sources.directory() == null) {
            throw new ClusterAccessException(access.describe() + " is refused: no kubeconfig directory is configured ("
                    + sources.directorySetting() + ")");
        }
        try {
            return KubeconfigRules.read(
                    sources.directory(), sources.directorySetting(), access.path(), sources.maxBytes());
        } catch (NoSuchFileException e) {
            throw new ClusterAccessException(access.describe() + " cannot be read (no such file)", null);
        } catch (IOException | SecurityException e) {
            throw new ClusterAccessException(access.describe() + " is refused: " + e.getMessage(), null);
        }
    }

    private String readSecret(ClusterAccess access) {
        ClusterAccess.SecretRef ref = access.secret();
        if (!sources.secretNamespaces().contains(ref.namespace())) {
            throw new ClusterAccessException(access.describe() + " is refused: kubeconfig Secrets are read only in "
                    + sources.secretNamespaces() + " (" + sources.secretNamespacesSetting() + ")");
        }
        Secret secret;
        try {
            secret = own.secrets()
                    .inNamespace(ref.namespace())
                    .withName(ref.name())
                    .get();
        } catch (KubernetesClientException e) {
            throw new ClusterAccessException(access.describe() + " cannot be read: HTTP " + e.getCode(), e);
        }
        if (secret == null) {
            throw new ClusterAccessException("secret " + ref.namespace() + "/" + ref.name() + " does not exist");
        }
        if (secret.getData() != null && secret.getData().get(ref.key()) != null) {
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(secret.getData().get(ref.key()));
            } catch (IllegalArgumentException e) {
                throw new ClusterAccessException(access.describe() + " is not base64", e);
            }
            if (bytes.length > sources.maxBytes()) {
                throw tooLarge(access);
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }
        if (secret.getStringData() != null && secret.getStringData().get(ref.key()) != null) {
            String value = secret.getStringData().get(ref.key());
            if (value.length() > sources.maxBytes()) {
                throw tooLarge(access);
            }
            return value;
        }
        throw new ClusterAccessException("secret " + ref.namespace() + "/" + ref.name() + " has no key " + ref.key());
    }

    private ClusterAccessException tooLarge(ClusterAccess access) {
        return new ClusterAccessException(
                access.describe() + " is refused: larger than " + sources.maxBytes() + " bytes");
    }

    private KubernetesClient build(ClusterAccess access, String kubeconfig) {
        Map<?, ?> parsed;
        try {
            parsed = own.getKubernetesSerialization().unmarshal(kubeconfig, Map.class);
        } catch (RuntimeException e) {
            throw new ClusterAccessException(
                    access.describe() + " is not a usable kubeconfig ("
                            + e.getClass().getSimpleName() + ")",
                    null);
        }
        List<String> problems = parsed == null ? List.of("it is empty") : KubeconfigRules.contentProblems(parsed);
        if (!problems.isEmpty()) {
            // checked before the client parses it: fabric8 runs an exec plugin while building its Config
            throw new ClusterAccessException(access.describe() + " is refused: " + String.join("; ", problems));
        }
        Config config;
        try {
            config = Config.fromKubeconfig(kubeconfig);
        } catch (RuntimeException e) {
            // the parser's message may quote the kubeconfig: name the reference only
            throw new ClusterAccessException(
                    access.describe() + " is not a usable kubeconfig ("
                            + e.getClass().getSimpleName() + ")",
                    null);
        }
        if (config.getMasterUrl() == null || config.getMasterUrl().isBlank()) {
            throw new ClusterAccessException(access.describe() + " names no API server");
        }
        KubernetesClientBuilder builder = new KubernetesClientBuilder()
                .withConfig(config)
                .withKubernetesSerialization(own.getKubernetesSerialization());
        if (httpClients != null) {
            builder.withHttpClientFactory(httpClients);
        }
        return builder.build();
    }
}
