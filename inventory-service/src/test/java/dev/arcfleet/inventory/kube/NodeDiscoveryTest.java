package dev.arcfleet.inventory.kube;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasItem;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arcfleet.contracts.EventTypes;
import dev.arcfleet.contracts.Topics;
import dev.arcfleet.testsupport.FleetInfraResource;
import dev.arcfleet.testsupport.ServiceKafkaTest;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.http.ContentType;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** Kubernetes discovery against the fabric8 mock server in CRUD mode: node informers, retirements, lost connections. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(
        value = FleetInfraResource.class,
        initArgs = @ResourceArg(name = "database", value = "inventory_test"))
class NodeDiscoveryTest extends ServiceKafkaTest {
    static final ObjectMapper JSON = new ObjectMapper();

    /** The service's own client, which the test server answers. */
    @Inject
    KubernetesClient k8s;

    static Node node(
            String name,
            String osImage,
            String kernel,
            String arch,
            String cpu,
            String memory,
            Map<String, String> labels) {
        return new NodeBuilder()
                .withNewMetadata()
                .withName(name)
                .withLabels(labels)
                .endMetadata()
                .withNewStatus()
                .withNewNodeInfo()
                .withOsImage(osImage)
                .withKernelVersion(kernel)
                .withArchitecture(arch)
                .withKubeletVersion("v1.31.2")
                .withContainerRuntimeVersion("containerd://2.0.0")
                .endNodeInfo()
                .withCapacity(Map.of("cpu", new Quantity(cpu), "memory", new Quantity(memory)))
                .endStatus()
                .build();
    }

    @Test
    void watchesARegisteredClustersNodesAndPublishesFactsChangesAndRetirements() throws Exception {
        String cluster = "disc-" + UUID.randomUUID().toString().substring(0, 8);
        ConsumerTask<String, String> nodes = kafka.consumeStrings().fromTopics(Topics.NODES);

        given().contentType(ContentType.JSON)
                .body("{\"id\": \"" + cluster + "\", \"site\": \"rotterdam\", \"distribution\": \"talos\","
                        + " \"access\": {\"mode\": \"IN_CLUSTER\"}}")
                .when()
                .post("/api/v1/clusters")
                .then()
                .statusCode(201);

        k8s.nodes()
                .resource(node(
                        "talos-cp-1",
                        "Talos (v1.8.2)",
                        "6.6.58-talos",
                        "amd64",
                        "4",
                        "8Gi",
                        Map.of("kubevirt.io/schedulable", "true", "kubernetes.io/arch", "amd64")))
                .create();
        k8s.nodes()
                .resource(node(
                        "edge-7",
                        "Flatcar Container Linux by Kinvolk 3975.2.1 (Oklo)",
                        "6.6.48-flatcar",
                        "arm64",
                        "2",
                        "4Gi",
                        Map.of("node-role.kubernetes.io/edge", "true")))
                .create();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode talos = get("/api/v1/nodes/" + cluster + "/talos-cp-1");
            assertThat(talos.at("/source").asText()).isEqualTo("KUBERNETES");
            assertThat(talos.at("/os/family").asText()).isEqualTo("talos");
            assertThat(talos.at("/os/mutability").asText()).isEqualTo("IMMUTABLE");
            assertThat(talos.at("/cluster/id").asText()).isEqualTo(cluster);
            assertThat(talos.at("/site").asText()).isEqualTo("rotterdam");
            assertThat(talos.at("/host/cpuCores").asInt()).isEqualTo(4);
            assertThat(talos.at("/host/memoryMiB").asLong()).isEqualTo(8192);
            assertThat(talos.at("/virtualization/kubevirt").asBoolean()).isTrue();
            JsonNode edge = get("/api/v1/nodes/" + cluster + "/edge-7");
            assertThat(edge.at("/os/family").asText()).isEqualTo("flatcar");
            assertThat(edge.at("/deviceClass").asText()).isEqualTo("EDGE_GATEWAY");
            assertThat(edge.at("/host/architecture").asText()).isEqualTo("arm64");
        });
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(facts(nodes, cluster + "/talos-cp-1"))
                        .singleElement()
                        .satisfies(r -> assertThat(r.key()).isEqualTo(cluster)));

        // A change of a fact (KubeVirt no longer schedulable) publishes a new snapshot; an unchanged resync does not.
        k8s.nodes()
                .withName("talos-cp-1")
                .edit(n -> new NodeBuilder(n)
                        .editMetadata()
                        .addToLabels("kubevirt.io/schedulable", "false")
                        .endMetadata()
                        .build());
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(facts(nodes, cluster + "/talos-cp-1")).hasSize(2);
            assertThat(get("/api/v1/nodes/" + cluster + "/talos-cp-1")
                            .at("/virtualization/kubevirt")
                            .asBoolean())
                    .isFalse();
        });
        k8s.nodes()
                .withName("talos-cp-1")
                .edit(n -> new NodeBuilder(n)
                        .editMetadata()
                        .addToAnnotations("touched", "yes")
                        .endMetadata()
                        .build());

        // A deleted node is retired: a tombstone on fleet.nodes, and the registry still answers for it.
        k8s.nodes().withName("edge-7").delete();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(nodes.getRecords()).anySatisfy(r -> {
                assertThat(type(r)).isEqualTo(EventTypes.NODE_RETIRED);
                assertThat(r.value()).contains(cluster + "/edge-7");
                assertThat(r.key()).isEqualTo(cluster);
            });
            assertThat(get("/api/v1/nodes/" + cluster + "/edge-7")
                            .at("/retired")
                            .asBoolean())
                    .isTrue();
        });
        assertThat(facts(nodes, cluster + "/talos-cp-1")).hasSize(2);

        JsonNode view = get("/api/v1/clusters/" + cluster);
        assertThat(view.at("/status/state").asText()).isEqualTo("WATCHING");
        assertThat(view.at("/access/mode").asText()).isEqualTo("IN_CLUSTER");
        nodes.close();
    }

    @Test
    void aLostConnectionShowsInTheClusterStatusAndRecoversByItself() throws Exception {
        String cluster = "lost-" + UUID.randomUUID().toString().substring(0, 8);
        Path kubeconfig = Files.createTempFile("kubeconfig-", ".yaml");
        Files.writeString(kubeconfig, kubeconfig("http://127.0.0.1:1"), StandardCharsets.UTF_8);

        given().contentType(ContentType.JSON)
                .body("{\"id\": \"" + cluster + "\", \"access\": {\"mode\": \"KUBECONFIG_FILE\", \"path\": \""
                        + kubeconfig.toAbsolutePath() + "\"}}")
                .when()
                .post("/api/v1/clusters")
                .then()
                .statusCode(201);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode view = get("/api/v1/clusters/" + cluster);
            assertThat(view.at("/status/state").asText()).isEqualTo("DISCONNECTED");
            assertThat(view.at("/status/lastError").asText()).isNotBlank();
        });

        // The API server is reachable again (here: the kubeconfig now names the live one); no restart, no call.
        Files.writeString(kubeconfig, kubeconfig(k8s.getMasterUrl().toString()), StandardCharsets.UTF_8);
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(get("/api/v1/clusters/" + cluster)
                                .at("/status/state")
                                .asText())
                        .isEqualTo("WATCHING"));
        String listed = given().when()
                .get("/api/v1/clusters")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(listed).contains(cluster).doesNotContain("certificate-authority-data");
    }

    @Test
    void refusesInlineKubeconfigsAndNamesEveryBadField() {
        given().contentType(ContentType.JSON)
                .body("{\"id\": \"Bad_Id\", \"kubeconfig\": \"apiVersion: v1\", \"deviceClass\": \"TOASTER\","
                        + " \"access\": {\"mode\": \"KUBECONFIG_FILE\", \"path\": \"relative.yaml\"}}")
                .when()
                .post("/api/v1/clusters")
                .then()
                .statusCode(400)
                .body("errors.field", hasItem("id"))
                .body("errors.field", hasItem("kubeconfig"))
                .body("errors.field", hasItem("deviceClass"))
                .body("errors.field", hasItem("access.path"));
        given().when().get("/api/v1/clusters/no-such-cluster").then().statusCode(404);
    }

    @Test
    void discoveryReadsKubeconfigsOnlyFromItsDirectoryAsRegularSmallFilesWithoutPluginsOrFileReferences()
            throws Exception {
        // Registration refuses a path outside the directory and a Secret outside the listed namespaces.
        given().contentType(ContentType.JSON)
                .body("{\"id\": \"outside\", \"access\": {\"mode\": \"KUBECONFIG_FILE\","
                        + " \"path\": \"/etc/passwd\"}}")
                .when()
                .post("/api/v1/clusters")
                .then()
                .statusCode(400)
                .body("errors.field", hasItem("access.path"));
        given().contentType(ContentType.JSON)
                .body("{\"id\": \"elsewhere\", \"access\": {\"mode\": \"KUBECONFIG_SECRET\","
                        + " \"secret\": {\"namespace\": \"kube-system\", \"name\": \"admin\"}}}")
                .when()
                .post("/api/v1/clusters")
                .then()
                .statusCode(400)
                .body("errors.field", hasItem("access.secret.namespace"));
        given().contentType(ContentType.JSON)
                .body("{\"id\": \"dotdot\", \"access\": {\"mode\": \"KUBECONFIG_FILE\"," + " \"path\": \""
                        + Path.of(System.getProperty("java.io.tmpdir")).resolve("../etc/passwd") + "\"}}")
                .when()
                .post("/api/v1/clusters")
                .then()
                .statusCode(400)
                .body("errors.field", hasItem("access.path"));

        Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "kubeconfigs-");
        Path marker = dir.resolve("exec-ran");
        Path exec = dir.resolve("exec.yaml");
        Files.writeString(
                exec,
                kubeconfig(k8s.getMasterUrl().toString()).replace("    token: test-token\n", """
                    exec:
                      apiVersion: client.authentication.k8s.io/v1
                      command: /bin/sh
                      args: ["-c", "touch %s; echo '{}'"]
                """.formatted(marker)));
        Path fifo = dir.resolve("fifo.yaml");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor())
                .isZero();
        Path link = dir.resolve("link.yaml");
        Files.createSymbolicLink(link, Path.of("/etc/hostname"));
        Path big = dir.resolve("big.yaml");
        Files.writeString(big, kubeconfig(k8s.getMasterUrl().toString()) + "#".repeat(300_000));
        Map<String, String> expected = Map.of(
                "exec",
                "users[].user.exec is not accepted",
                "fifo",
                "not a regular file",
                "link",
                "outside",
                "big",
                "larger than 262144 bytes");
        String run = UUID.randomUUID().toString().substring(0, 6);
        for (String name : expected.keySet()) {
            given().contentType(ContentType.JSON)
                    .body("{\"id\": \"" + name + "-" + run + "\", \"access\": {\"mode\":"
                            + " \"KUBECONFIG_FILE\", \"path\": \"" + dir.resolve(name + ".yaml") + "\"}}")
                    .when()
                    .post("/api/v1/clusters")
                    .then()
                    .statusCode(201);
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (Map.Entry<String, String> e : expected.entrySet()) {
                JsonNode view = get("/api/v1/clusters/" + e.getKey() + "-" + run);
                assertThat(view.at("/status/state").asText()).as(e.getKey()).isEqualTo("DISCONNECTED");
                assertThat(view.at("/status/lastError").asText()).as(e.getKey()).contains(e.getValue());
            }
        });
        assertThat(marker).as("the exec plugin never ran").doesNotExist();
        for (String name : expected.keySet()) {
            given().when().delete("/api/v1/clusters/" + name + "-" + run).then().statusCode(204);
        }
    }

    private static String kubeconfig(String server) {
        return """
                apiVersion: v1
                kind: Config
                clusters:
                - name: c
                  cluster:
                    server: %s
                    insecure-skip-tls-verify: true
                contexts:
                - name: c
                  context:
                    cluster: c
                    user: u
                current-context: c
                users:
                - name: u
                  user:
                    token: test-token
                """.formatted(server);
    }

    private static List<ConsumerRecord<String, String>> facts(ConsumerTask<String, String> task, String nodeId) {
        return task.getRecords().stream()
                .filter(r -> EventTypes.NODE_FACTS.equals(type(r)))
                .filter(r -> r.value().contains("\"nodeId\":\"" + nodeId + "\""))
                .toList();
    }

    private static String type(ConsumerRecord<String, String> r) {
        var h = r.headers().lastHeader(EventTypes.CE_TYPE);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static JsonNode get(String path) throws Exception {
        String body = given().when().get(path).then().statusCode(200).extract().asString();
        return JSON.readTree(body);
    }
}
