package dev.arcfleet.support.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterClientFactoryTest {
    static final String TOKEN = "token-that-must-never-show";
    static final int MAX = 4096;

    @TempDir
    Path dir;

    private KubernetesMockServer server;
    private KubernetesClient own;
    private ClusterClientFactory factory;

    @BeforeEach
    void start() {
        server = new KubernetesMockServer(
                new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(List.of()), false);
        server.init();
        own = server.createClient();
        factory = new ClusterClientFactory(
                own,
                new KubeconfigSources(
                        dir, "svc.kubeconfig-dir", List.of("arc-fleet"), "svc.kubeconfig-secret-namespaces", MAX),
                null);
    }

    @AfterEach
    void stop() {
        own.close();
        server.destroy();
    }

    static String kubeconfig(String server, String user) {
        return """
                apiVersion: v1
                kind: Config
                clusters:
                - name: c
                  cluster: {server: "%s"}
                users:
                - name: u
                  user:
                %s
                contexts:
                - name: c
                  context: {cluster: c, user: u}
                current-context: c
                """.formatted(server, user.indent(4).stripTrailing());
    }

    static String inline(String server) {
        return kubeconfig(server, "token: " + TOKEN);
    }

    @Test
    void inClusterIsTheServicesOwnClientWhichAConnectionNeverCloses() {
        ClusterClientFactory.Connection connection = factory.connect(ClusterAccess.inCluster());
        assertThat(connection.client()).isSameAs(own);
        assertThat(connection.owned()).isFalse();
        connection.close();
        assertThat(own.getHttpClient().isClosed()).isFalse();
    }

    @Test
    void aFileInsideTheDirectoryWithInlineCredentialsGivesAClientOfItsOwn() throws IOException {
        Path file = dir.resolve("edge-1");
        Files.writeString(file, inline("https://edge-1.example:6443"));
        ClusterClientFactory.Connection connection = factory.connect(ClusterAccess.file(file.toString()));
        assertThat(connection.owned()).isTrue();
        assertThat(connection.client().getMasterUrl().toString()).startsWith("https://edge-1.example:6443");
        assertThat(connection.client().getConfiguration().getAutoOAuthToken()).isEqualTo(TOKEN);
        connection.close();
        assertThat(connection.client().getHttpClient().isClosed()).isTrue();
    }

    @Test
    void aKubeconfigThatWouldRunAProgramOrReadAFileIsRefusedBeforeItIsParsed() throws IOException {
        Path marker = Files.createTempDirectory("exec-marker").resolve("exec-ran");
        Path exec = dir.resolve("exec.yaml");
        Files.writeString(exec, kubeconfig("https://k:6443", """
                exec:
                  apiVersion: client.authentication.k8s.io/v1
                  command: /bin/sh
                  args: ["-c", "touch %s; echo '{}'"]""".formatted(marker)));
        Path files = dir.resolve("files.yaml");
        Files.writeString(files, kubeconfig("https://k:6443", "tokenFile: /var/run/secrets/token"));
        assertThatThrownBy(() -> factory.connect(ClusterAccess.file(exec.toString())))
                .isInstanceOf(ClusterAccessException.class)
                .hasMessage("kubeconfig file " + exec + " is refused: users[].user.exec is not accepted"
                        + " (only inline token or client certificate data)");
        assertThat(marker).as("the exec plugin never ran").doesNotExist();
        assertThatThrownBy(() -> factory.connect(ClusterAccess.file(files.toString())))
                .isInstanceOf(ClusterAccessException.class)
                .hasMessageContaining("users[].user.tokenFile is not accepted");
    }

    @Test
    void filesOnlyInsideTheDirectoryRegularAndUnderTheCap() throws IOException {
        Path outside = Files.createTempDirectory("outside").resolve("stolen");
        Files.writeString(outside, inline("https://k:6443"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), outside);
        Path big = dir.resolve("big");
        Files.writeString(big, inline("https://k:6443") + "#".repeat(MAX));
        Path folder = Files.createDirectory(dir.resolve("folder"));
        Map<Path, String> expected = Map.of(
                outside,
                "is refused: the path must be a file inside " + dir + " (svc.kubeconfig-dir)",
                link,
                "is refused: the file lies outside " + dir + " once its links are followed",
                big,
                "is refused: larger than " + MAX + " bytes",
                folder,
                "is refused: not a regular file",
                dir.resolve("missing"),
                "cannot be read (no such file)");
        expected.forEach(
                (path, message) -> assertThatThrownBy(() -> factory.connect(ClusterAccess.file(path.toString())))
                        .as(path.toString())
                        .isInstanceOf(ClusterAccessException.class)
                        .hasMessageContaining(message));
        ClusterClientFactory withoutDirectory = new ClusterClientFactory(
                own,
                new KubeconfigSources(null, "svc.kubeconfig-dir", List.of(), "svc.kubeconfig-secret-namespaces", MAX),
                null);
        Path good = dir.resolve("good");
        Files.writeString(good, inline("https://k:6443"));
        assertThatThrownBy(() -> withoutDirectory.connect(ClusterAccess.file(good.toString())))
                .isInstanceOf(ClusterAccessException.class)
                .hasMessageContaining("no kubeconfig directory is configured");
    }

    @Test
    void aSecretOnlyInAnAllowedNamespaceReadWithTheServicesOwnClient() {
        secret("arc-fleet", "edge-2", Map.of("kubeconfig", inline("https://edge-2.example:6443")));
        secret("arc-fleet", "big", Map.of("kubeconfig", inline("https://k:6443") + "#".repeat(MAX)));
        secret(
                "arc-fleet",
                "plugged",
                Map.of("kubeconfig", kubeconfig("https://k:6443", "auth-provider: {name: gcp}")));
        secret("kube-system", "admin", Map.of("kubeconfig", inline("https://k:6443")));

        try (ClusterClientFactory.Connection connection =
                factory.connect(ClusterAccess.secret("arc-fleet", "edge-2", "kubeconfig"))) {
            assertThat(connection.owned()).isTrue();
            assertThat(connection.client().getMasterUrl().toString()).startsWith("https://edge-2.example:6443");
        }
        Map<ClusterAccess, String> expected = Map.of(
                ClusterAccess.secret("kube-system", "admin", "kubeconfig"),
                "is refused: kubeconfig Secrets are read only in [arc-fleet] (svc.kubeconfig-secret-namespaces)",
                ClusterAccess.secret("arc-fleet", "big", "kubeconfig"),
                "is refused: larger than " + MAX + " bytes",
                ClusterAccess.secret("arc-fleet", "plugged", "kubeconfig"),
                "users[].user.auth-provider is not accepted",
                ClusterAccess.secret("arc-fleet", "edge-2", "other"),
                "secret arc-fleet/edge-2 has no key other",
                ClusterAccess.secret("arc-fleet", "missing", "kubeconfig"),
                "secret arc-fleet/missing does not exist");
        expected.forEach((access, message) -> assertThatThrownBy(() -> factory.connect(access))
                .as(access.describe())
                .isInstanceOf(ClusterAccessException.class)
                .hasMessageContaining(message)
                .message()
                .doesNotContain(TOKEN));
    }

    @Test
    void describeNamesTheReferenceNeverTheContent() {
        assertThat(ClusterAccess.inCluster().describe()).isEqualTo("the service's own cluster");
        assertThat(ClusterAccess.file("/etc/arcfleet/kubeconfigs/ghent").describe())
                .isEqualTo("kubeconfig file /etc/arcfleet/kubeconfigs/ghent");
        assertThat(ClusterAccess.secret("arc-fleet", "ghent", "kubeconfig").describe())
                .isEqualTo("kubeconfig in secret arc-fleet/ghent key kubeconfig");
    }

    private void secret(String namespace, String name, Map<String, String> data) {
        Map<String, String> encoded = new HashMap<>();
        data.forEach((k, v) -> encoded.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
        own.secrets()
                .inNamespace(namespace)
                .resource(new SecretBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .withNamespace(namespace)
                        .endMetadata()
                        .withData(encoded)
                        .build())
                .create();
    }
}
