package dev.arcfleet.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.arcfleet.contracts.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The ways to run the system beyond one machine, checked without running them: {@code docker-compose.yml} (no Docker
 * engine here) and the Kustomize overlays under {@code deploy/k8s}, rendered with {@code kubectl kustomize}.
 */
class DeploymentFilesTest {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final Path ROOT = Path.of(System.getProperty("fleet.root", "..")).toAbsolutePath().normalize();
    static final Map<String, Integer> PORTS = Map.of("inventory-service", 8081, "planner-service", 8082,
            "executor-service", 8083);

    static List<String> allTopics() {
        List<String> topics = new ArrayList<>(Topics.MAIN);
        Topics.MAIN.forEach(t -> topics.add(Topics.deadLetter(t)));
        return topics;
    }

    @Test
    void composeHasEveryServicePortTopicAndHealthCheck() throws IOException {
        // SnakeYAML resolves anchors and merge keys (<<: *service-env) as compose does.
        Object parsed = new org.yaml.snakeyaml.Yaml().load(Files.readString(ROOT.resolve("docker-compose.yml"), StandardCharsets.UTF_8));
        JsonNode compose = YAML.valueToTree(parsed);
        JsonNode services = compose.get("services");
        assertThat(names(services)).contains("kafka", "topics", "postgres", "inventory-service", "planner-service",
                "executor-service");
        PORTS.forEach((service, port) -> {
            JsonNode s = services.get(service);
            assertThat(s.get("ports").toString()).as(service).contains("\"" + port + ":" + port + "\"");
            assertThat(s.at("/healthcheck/test").toString()).as(service).contains(port + "/q/health/ready");
            assertThat(s.at("/depends_on/topics/condition").asText()).isEqualTo("service_completed_successfully");
            assertThat(s.at("/depends_on/postgres/condition").asText()).isEqualTo("service_healthy");
            JsonNode env = s.path("environment");
            assertThat(env.path("KAFKA_BOOTSTRAP_SERVERS").asText()).isEqualTo("kafka:9092");
            assertThat(env.path("QUARKUS_DATASOURCE_PASSWORD").asText()).as("no default password")
                    .startsWith("${FLEET_DB_PASSWORD:?");
            assertThat(env.path("QUARKUS_DATASOURCE_JDBC_URL").asText())
                    .isEqualTo("jdbc:postgresql://postgres:5432/" + service.replace("-service", ""));
        });
        // the broker (no authentication on this single-host stack) and the database listen on the host's loopback only
        assertThat(services.at("/kafka/ports").toString()).contains("\"127.0.0.1:9092:9092\"");
        assertThat(services.at("/postgres/ports").toString()).contains("\"127.0.0.1:54320:5432\"");
        assertThat(services.at("/postgres/environment/POSTGRES_PASSWORD").asText()).startsWith("${FLEET_DB_PASSWORD:?");
        assertThat(services.at("/kafka/healthcheck")).isNotNull();
        assertThat(services.at("/postgres/healthcheck")).isNotNull();
        assertThat(services.at("/topics/depends_on/kafka/condition").asText()).isEqualTo("service_healthy");
        String topicScript = services.at("/topics/command").toString();
        Topics.MAIN.forEach(t -> assertThat(topicScript).as("topic %s", t).contains(t));
        assertThat(topicScript).contains("$$t.dlq");
        assertThat(services.at("/executor-service/environment/EXECUTOR_MODE").asText()).isEqualTo("${EXECUTOR_MODE:-dry-run}");
        String init = Files.readString(ROOT.resolve("deploy/compose/init-databases.sql"), StandardCharsets.UTF_8);
        assertThat(init).contains("CREATE DATABASE inventory;", "CREATE DATABASE planner;", "CREATE DATABASE executor;");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyOverlayRendersWithTheInvariants(String overlay) throws Exception {
        assumeThat(kubectl()).as("kubectl with kustomize is needed to render deploy/k8s").isTrue();
        List<JsonNode> objects = render(overlay);
        assertThat(objects).isNotEmpty();

        Set<String> topics = objects.stream().filter(o -> kind(o, "KafkaTopic")).map(o -> o.at("/spec/topicName").asText())
                .collect(Collectors.toSet());
        assertThat(topics).containsAll(allTopics());
        JsonNode nodes = objects.stream().filter(o -> kind(o, "KafkaTopic") && o.at("/spec/topicName").asText()
                .equals(Topics.NODES)).findFirst().orElseThrow();
        assertThat(nodes.at("/spec/config/cleanup.policy").asText()).as("fleet.nodes is keyed by cluster").isEqualTo("delete");

        List<JsonNode> deployments = objects.stream().filter(o -> kind(o, "Deployment")).toList();
        assertThat(deployments).extracting(d -> d.at("/metadata/name").asText())
                .contains("inventory-service", "planner-service", "executor-service", "inventory-discovery");
        for (JsonNode d : deployments) {
            for (JsonNode c : d.at("/spec/template/spec/containers")) {
                String at = d.at("/metadata/name").asText() + "/" + c.get("name").asText();
                assertThat(c.at("/readinessProbe/httpGet/path").asText()).as(at).isEqualTo("/q/health/ready");
                assertThat(c.at("/livenessProbe/httpGet/path").asText()).as(at).isEqualTo("/q/health/live");
                assertThat(c.at("/resources/requests/cpu").isMissingNode()).as(at).isFalse();
                assertThat(c.at("/resources/requests/memory").isMissingNode()).as(at).isFalse();
                assertThat(c.at("/resources/limits/memory").isMissingNode()).as(at).isFalse();
                for (JsonNode env : c.path("env")) {
                    String name = env.get("name").asText();
                    if (name.endsWith("_FILE")) {
                        // a file setting names a path; it must be in a mounted volume (a Secret's, for tokens)
                        String path = env.path("value").asText();
                        assertThat(c.path("volumeMounts").findValuesAsText("mountPath")).as("%s: %s=%s", at, name, path)
                                .anyMatch(mount -> path.startsWith(mount + "/"));
                    } else if (name.matches("(?i).*(PASSWORD|SECRET|TOKEN|KEY).*")) {
                        assertThat(env.has("value")).as("%s: %s must come from a Secret reference", at, name).isFalse();
                    }
                }
            }
        }
        // Kafka: every listener authenticates, the broker authorizes, each service connects as its own KafkaUser, and
        // only the services' pods may reach the brokers.
        JsonNode kafka = objects.stream().filter(o -> kind(o, "Kafka")).findFirst().orElseThrow();
        for (JsonNode listener : kafka.at("/spec/kafka/listeners")) {
            assertThat(listener.at("/authentication/type").asText()).as("listener %s", listener.get("name"))
                    .isEqualTo("scram-sha-512");
        }
        assertThat(kafka.at("/spec/kafka/authorization/type").asText()).isEqualTo("simple");
        Map<String, JsonNode> users = objects.stream().filter(o -> kind(o, "KafkaUser"))
                .collect(Collectors.toMap(o -> o.at("/metadata/name").asText(), o -> o));
        for (JsonNode d : deployments) {
            for (JsonNode c : d.at("/spec/template/spec/containers")) {
                JsonNode jaas = c.path("env").findParents("name").stream()
                        .filter(e -> e.get("name").asText().equals("KAFKA_SASL_JAAS_CONFIG")).findFirst().orElse(null);
                assertThat(jaas).as("%s connects to Kafka with credentials", d.at("/metadata/name").asText()).isNotNull();
                assertThat(users).containsKey(jaas.at("/valueFrom/secretKeyRef/name").asText());
            }
        }
        assertThat(writers(users, Topics.PLANS_ARC_K8S)).as("only the planner writes plans (and the operator tools re-drive)")
                .containsExactlyInAnyOrder("fleet-planner", "fleet-inventory");
        assertThat(writers(users, Topics.STATUS)).doesNotContain("fleet-device");
        assertThat(users.get("fleet-device").at("/spec/authorization/acls")).hasSize(1);
        assertThat(objects).anyMatch(o -> kind(o, "NetworkPolicy") && o.at("/spec/podSelector/matchLabels/strimzi.io~1cluster")
                .asText().equals("fleet"));
        assertThat(objects.stream().filter(o -> kind(o, "PodDisruptionBudget")).count()).isEqualTo(3);
        assertThat(objects.stream().filter(o -> kind(o, "ScaledObject")).map(o -> o.at("/spec/scaleTargetRef/name").asText()))
                .containsExactlyInAnyOrder("planner-service", "executor-service");
        assertThat(objects).anyMatch(o -> kind(o, "Cluster") && o.at("/apiVersion").asText().startsWith("postgresql.cnpg.io"));
        assertThat(objects).anyMatch(o -> kind(o, "Kafka"));
        assertThat(objects).anyMatch(o -> kind(o, "KafkaNodePool"));
        assertThat(objects).anyMatch(o -> kind(o, "NetworkPolicy"));
        assertThat(objects).anyMatch(o -> kind(o, "ServiceMonitor"));
        assertThat(objects).noneMatch(o -> kind(o, "Secret"));
        String all = objects.toString();
        assertThat(all).doesNotContainPattern("(?i)client-?secret\"\\s*:\\s*\"[^\"$]");
        assertThat(all).doesNotContain("BEGIN RSA PRIVATE KEY", "BEGIN PRIVATE KEY", "client-key-data");
        if (overlay.equals("prod")) {
            assertThat(objects).anyMatch(o -> kind(o, "ServiceAccount") && o.at("/metadata/annotations")
                    .has("azure.workload.identity/client-id"));
        }
    }

    static boolean kind(JsonNode o, String kind) {
        return kind.equals(o.path("kind").asText());
    }

    static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    static boolean kubectl() {
        try {
            Process p = new ProcessBuilder("kubectl", "version", "--client").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static List<JsonNode> render(String overlay) throws Exception {
        Process p = new ProcessBuilder("kubectl", "kustomize", ROOT.resolve("deploy/k8s/overlays/" + overlay).toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("kubectl kustomize deploy/k8s/overlays/%s", overlay).isZero();
        try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(out)) {
            return StreamSupport.stream(((Iterable<JsonNode>) () -> docs).spliterator(), false)
                    .filter(n -> n != null && !n.isNull() && !n.isEmpty()).toList();
        }
    }

    /** The KafkaUsers whose ACLs allow writing {@code topic} (a literal name or a prefix of it). */
    private static Set<String> writers(Map<String, JsonNode> users, String topic) {
        return users.entrySet().stream().filter(u -> {
            for (JsonNode acl : u.getValue().at("/spec/authorization/acls")) {
                String name = acl.at("/resource/name").asText();
                boolean matches = acl.at("/resource/type").asText().equals("topic")
                        && (acl.at("/resource/patternType").asText().equals("prefix") ? topic.startsWith(name) : topic.equals(name));
                if (matches && acl.get("operations").toString().contains("Write")) {
                    return true;
                }
            }
            return false;
        }).map(Map.Entry::getKey).collect(Collectors.toSet());
    }
}
