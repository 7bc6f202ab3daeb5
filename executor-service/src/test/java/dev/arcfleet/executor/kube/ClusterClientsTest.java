package dev.arcfleet.executor.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arcfleet.support.kube.ClusterAccessException;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.vertx.VertxHttpClientFactory;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterClientsTest {
    private final AtomicLong now = new AtomicLong();
    private final Vertx vertx = Vertx.vertx();
    private KubernetesClient own;

    @TempDir
    Path kubeconfigs;

    @BeforeEach
    void ownCluster() {
        own = new KubernetesClientBuilder()
                .withConfig(
                        new ConfigBuilder().withMasterUrl("http://127.0.0.1:1").build())
                .build();
    }

    @AfterEach
    void close() {
        own.close();
        vertx.close();
    }

    private ClusterClients clients(Duration idleTimeout, int max) {
        return new ClusterClients(
                own,
                Optional.of("platform"),
                Optional.of(kubeconfigs),
                262_144,
                new VertxHttpClientFactory(vertx),
                idleTimeout,
                max,
                now::get);
    }

    private void kubeconfig(String cluster) throws IOException {
        Files.writeString(kubeconfigs.resolve(cluster), """
                apiVersion: v1
                kind: Config
                clusters:
                - name: c
                  cluster: {server: "http://127.0.0.1:2"}
                users:
                - name: u
                  user: {token: t}
                contexts:
                - name: c
                  context: {cluster: c, user: u}
                current-context: c
                """);
    }

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void reusesAClusterClientWhileItIsUsedAndClosesItOnceIdle() throws IOException {
        kubeconfig("edge-1");
        ClusterClients clients = clients(Duration.ofMinutes(2), 256);
        KubernetesClient first = clients.forCluster("edge-1");
        advance(Duration.ofSeconds(90));
        assertThat(clients.forCluster("edge-1")).isSameAs(first);

        advance(Duration.ofSeconds(90));
        clients.closeIdle();
        assertThat(first.getHttpClient().isClosed())
                .as("used 90 s ago, timeout 2 min")
                .isFalse();

        advance(Duration.ofSeconds(31));
        clients.closeIdle();
        assertThat(first.getHttpClient().isClosed()).isTrue();
        assertThat(clients.openClients()).isZero();
        KubernetesClient second = clients.forCluster("edge-1");
        assertThat(second).isNotSameAs(first);
        assertThat(second.getHttpClient().isClosed()).isFalse();
    }

    @Test
    void aboveTheCapClosesTheLeastRecentlyUsedButNeverOneUsedInTheLast30Seconds() throws IOException {
        for (String c : new String[] {"a", "b", "c", "d"}) {
            kubeconfig(c);
        }
        ClusterClients clients = clients(Duration.ofHours(1), 2);
        KubernetesClient a = clients.forCluster("a");
        advance(Duration.ofSeconds(10));
        KubernetesClient b = clients.forCluster("b");
        advance(Duration.ofSeconds(10));
        KubernetesClient c = clients.forCluster("c");
        assertThat(clients.openClients())
                .as("over the cap, but every client is in use")
                .isEqualTo(3);
        assertThat(a.getHttpClient().isClosed()).isFalse();

        advance(Duration.ofSeconds(25));
        clients.forCluster("d");
        // a (45 s idle) and b (35 s idle) may go; the cap needs two gone, c (25 s idle) is kept regardless
        assertThat(a.getHttpClient().isClosed()).isTrue();
        assertThat(b.getHttpClient().isClosed()).isTrue();
        assertThat(c.getHttpClient().isClosed()).isFalse();
        assertThat(clients.openClients()).isEqualTo(2);
    }

    @Test
    void aClusterWithoutKubeconfigIsRefusedAndTheOwnClusterOnlyUnderTheIdItIsGiven() throws IOException {
        ClusterClients clients = clients(Duration.ofMinutes(2), 1);
        assertThatThrownBy(() -> clients.forCluster("no-such-cluster"))
                .isInstanceOf(ClusterAccessException.class)
                .hasMessageContaining("no kubeconfig for cluster no-such-cluster")
                .hasMessageContaining("does not fall back to its own cluster");
        assertThatThrownBy(() -> clients.forCluster(null)).isInstanceOf(ClusterAccessException.class);
        assertThat(clients.forCluster("platform")).isSameAs(own);
        assertThat(clients.openClients()).isZero();
        advance(Duration.ofHours(1));
        clients.closeIdle();
        assertThat(own.getHttpClient().isClosed()).isFalse();
    }

    @Test
    void aClusterIdFromARecordNeverLeavesTheKubeconfigFolder() throws IOException {
        Path outside = Files.createTempDirectory("outside");
        Files.writeString(outside.resolve("stolen"), "apiVersion: v1\nkind: Config\n");
        kubeconfig("real");
        ClusterClients clients = clients(Duration.ofMinutes(2), 8);
        for (String hostile : new String[] {
            "../" + outside.getFileName() + "/stolen",
            outside.resolve("stolen").toString(),
            "..",
            ".hidden",
            "a/b",
            "x\u0000y"
        }) {
            assertThatThrownBy(() -> clients.forCluster(hostile))
                    .as(hostile)
                    .isInstanceOf(ClusterAccessException.class);
        }
        assertThat(clients.forCluster("real")).isNotSameAs(own);
    }

    @Test
    void aKubeconfigWithAnExecPluginIsRefusedBeforeThePluginRuns() throws IOException {
        Path marker = Files.createTempDirectory("exec-marker").resolve("exec-ran");
        Files.writeString(kubeconfigs.resolve("plugged"), """
                apiVersion: v1
                kind: Config
                clusters:
                - name: c
                  cluster: {server: "http://127.0.0.1:2"}
                users:
                - name: u
                  user:
                    exec:
                      apiVersion: client.authentication.k8s.io/v1
                      command: /bin/sh
                      args: ["-c", "touch %s; echo '{}'"]
                contexts:
                - name: c
                  context: {cluster: c, user: u}
                current-context: c
                """.formatted(marker));
        ClusterClients clients = clients(Duration.ofMinutes(2), 8);
        assertThatThrownBy(() -> clients.forCluster("plugged"))
                .isInstanceOf(ClusterAccessException.class)
                .hasMessageContaining("plugged")
                .hasMessageContaining("users[].user.exec is not accepted");
        assertThat(marker).as("the exec plugin never ran").doesNotExist();
        assertThat(clients.openClients()).isZero();
    }

    @Test
    void aKubeconfigLinkedFromOutsideTheFolderOrOverTheSizeCapIsRefused() throws IOException {
        Path outside = Files.createTempDirectory("outside");
        Files.writeString(outside.resolve("stolen"), "apiVersion: v1\nkind: Config\n");
        Files.createSymbolicLink(kubeconfigs.resolve("linked"), outside.resolve("stolen"));
        kubeconfig("big");
        Files.writeString(kubeconfigs.resolve("big"), "#".repeat(262_144), StandardOpenOption.APPEND);
        ClusterClients clients = clients(Duration.ofMinutes(2), 8);
        assertThatThrownBy(() -> clients.forCluster("linked"))
                .isInstanceOf(ClusterAccessException.class)
                .hasMessageContaining("outside " + kubeconfigs + " once its links are followed");
        assertThatThrownBy(() -> clients.forCluster("big"))
                .isInstanceOf(ClusterAccessException.class)
                .hasMessageContaining("larger than 262144 bytes");
        assertThat(clients.openClients()).isZero();
    }
}
