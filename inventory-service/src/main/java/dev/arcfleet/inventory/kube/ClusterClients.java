package dev.arcfleet.inventory.kube;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Opens a Kubernetes client for a cluster from its credentials reference. The kubeconfig is read at that moment
 * (so a rotated file or Secret is picked up on reconnect) and lives only inside the client; error messages name the
 * reference and never quote the kubeconfig.
 */
@ApplicationScoped
public class ClusterClients {
    private final KubernetesClient own;
    private final DiscoveryConfig config;

    public ClusterClients(KubernetesClient own, DiscoveryConfig config) {
        this.own = own;
        this.config = config;
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

    public Connection connect(ClusterAccess access) {
        return switch (access.mode()) {
            case IN_CLUSTER -> new Connection(own, false);
            case KUBECONFIG_FILE -> new Connection(build(access, readFile(access, config)), true);
            case KUBECONFIG_SECRET -> new Connection(build(access, readSecret(access)), true);
        };
    }

    private static String readFile(ClusterAccess access, DiscoveryConfig config) {
        try {
            return KubeconfigRules.read(config.kubeconfigDir(), access.path(), config.maxKubeconfigBytes());
        } catch (java.nio.file.NoSuchFileException e) {
            throw new ClusterAccessException(access.describe() + " cannot be read (no such file)", null);
        } catch (IOException | SecurityException e) {
            throw new ClusterAccessException(access.describe() + " is refused: " + e.getMessage(), null);
        }
    }

    private String readSecret(ClusterAccess access) {
        ClusterAccess.SecretRef ref = access.secret();
        if (!config.kubeconfigSecretNamespaces().contains(ref.namespace())) {
            throw new ClusterAccessException(access.describe() + " is refused: kubeconfig Secrets are read only in "
                    + config.kubeconfigSecretNamespaces() + " (fleet.discovery.kubeconfig-secret-namespaces)");
        }
        Secret secret;
        try {
            secret = own.secrets().inNamespace(ref.namespace()).withName(ref.name()).get();
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
            if (bytes.length > config.maxKubeconfigBytes()) {
                throw new ClusterAccessException(access.describe() + " is refused: larger than "
                        + config.maxKubeconfigBytes() + " bytes");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }
        if (secret.getStringData() != null && secret.getStringData().get(ref.key()) != null) {
            String value = secret.getStringData().get(ref.key());
            if (value.length() > config.maxKubeconfigBytes()) {
                throw new ClusterAccessException(access.describe() + " is refused: larger than "
                        + config.maxKubeconfigBytes() + " bytes");
            }
            return value;
        }
        throw new ClusterAccessException("secret " + ref.namespace() + "/" + ref.name() + " has no key " + ref.key());
    }

    private KubernetesClient build(ClusterAccess access, String kubeconfig) {
        Map<?, ?> parsed;
        try {
            parsed = own.getKubernetesSerialization().unmarshal(kubeconfig, Map.class);
        } catch (RuntimeException e) {
            throw new ClusterAccessException(access.describe() + " is not a usable kubeconfig (" + e.getClass().getSimpleName() + ")", null);
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
            throw new ClusterAccessException(access.describe() + " is not a usable kubeconfig (" + e.getClass().getSimpleName() + ")", null);
        }
        if (config.getMasterUrl() == null || config.getMasterUrl().isBlank()) {
            throw new ClusterAccessException(access.describe() + " names no API server");
        }
        return new KubernetesClientBuilder().withConfig(config).withKubernetesSerialization(own.getKubernetesSerialization()).build();
    }
}
