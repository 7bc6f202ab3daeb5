package dev.arcfleet.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.arcfleet.contracts.Topics;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The ways to run the system beyond one machine, checked without running them: {@code docker-compose.yml} (no Docker
 * engine here) and the Kustomize overlays under {@code deploy/k8s}, rendered with {@code kubectl kustomize}.
 */
class DeploymentFilesTest {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final Path ROOT =
            Path.of(System.getProperty("fleet.root", "..")).toAbsolutePath().normalize();
    static final Map<String, Integer> PORTS =
            Map.of("inventory-service", 8081, "planner-service", 8082, "executor-service", 8083);

    static List<String> allTopics() {
        List<String> topics = new ArrayList<>(Topics.MAIN);
        Topics.MAIN.forEach(t -> topics.add(Topics.deadLetter(t)));
        return topics;
    }

    @Test
    void composeHasEveryServicePortTopicAndHealthCheck() throws IOException {
        // SnakeYAML resolves anchors and merge keys (<<: *service-env) as compose does.
        Object parsed = new org.yaml.snakeyaml.Yaml()
                .load(Files.readString(ROOT.resolve("docker-compose.yml"), StandardCharsets.UTF_8));
        JsonNode compose = YAML.valueToTree(parsed);
        JsonNode services = compose.get("services");
        assertThat(names(services))
                .contains("kafka", "topics", "postgres", "inventory-service", "planner-service", "executor-service");
        PORTS.forEach((service, port) -> {
            JsonNode s = services.get(service);
            assertThat(s.get("ports").toString()).as(service).contains("\"" + port + ":" + port + "\"");
            assertThat(s.at("/healthcheck/test").toString()).as(service).contains(port + "/q/health/ready");
            assertThat(s.at("/depends_on/topics/condition").asText()).isEqualTo("service_completed_successfully");
            assertThat(s.at("/depends_on/postgres/condition").asText()).isEqualTo("service_healthy");
            JsonNode env = s.path("environment");
            assertThat(env.path("KAFKA_BOOTSTRAP_SERVERS").asText()).isEqualTo("kafka:9092");
            assertThat(env.path("QUARKUS_DATASOURCE_PASSWORD").asText())
                    .as("no default password")
                    .startsWith("${FLEET_DB_PASSWORD:?");
            assertThat(env.path("QUARKUS_DATASOURCE_JDBC_URL").asText())
                    .isEqualTo("jdbc:postgresql://postgres:5432/" + service.replace("-service", ""));
        });
        // the broker and the database listen on the host's loopback only
        assertThat(services.at("/kafka/ports").toString()).contains("\"127.0.0.1:9092:9092\"");
        assertThat(services.at("/postgres/ports").toString()).contains("\"127.0.0.1:54320:5432\"");
        assertThat(services.at("/postgres/environment/POSTGRES_PASSWORD").asText())
                .startsWith("${FLEET_DB_PASSWORD:?");
        assertThat(services.at("/kafka/healthcheck")).isNotNull();
        assertThat(services.at("/postgres/healthcheck")).isNotNull();
        assertThat(services.at("/topics/depends_on/kafka/condition").asText()).isEqualTo("service_healthy");
        String topicScript = services.at("/topics/command").toString();
        Topics.MAIN.forEach(t -> assertThat(topicScript).as("topic %s", t).contains(t));
        assertThat(topicScript).contains("$$t.dlq");
        assertThat(services.at("/executor-service/environment/EXECUTOR_MODE").asText())
                .isEqualTo("${EXECUTOR_MODE:-dry-run}");
        String init = Files.readString(ROOT.resolve("deploy/compose/init-databases.sql"), StandardCharsets.UTF_8);
        assertThat(init)
                .contains("CREATE DATABASE inventory;", "CREATE DATABASE planner;", "CREATE DATABASE executor;");
    }

    /**
     * Compose's Kafka authenticates and authorizes as deploy/k8s does: every listener SASL, SCRAM-SHA-512 for clients,
     * no access without an ACL, each service with its own user's credentials from a required variable, and the ACLs
     * the topics job grants exactly those of deploy/k8s/base/kafka-users.yaml.
     */
    @Test
    void composeKafkaAuthenticatesEveryClientAsInKubernetes() throws IOException {
        Object parsed = new org.yaml.snakeyaml.Yaml()
                .load(Files.readString(ROOT.resolve("docker-compose.yml"), StandardCharsets.UTF_8));
        JsonNode services = YAML.valueToTree(parsed).get("services");
        JsonNode broker = services.at("/kafka/environment");
        String protocols = broker.path("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP").asText();
        List<String> listeners = List.of(broker.path("KAFKA_LISTENERS").asText().split(","));
        assertThat(listeners).isNotEmpty();
        for (String listener : listeners) {
            String name = listener.substring(0, listener.indexOf("://"));
            assertThat(protocols)
                    .as("listener %s", name)
                    .containsPattern("(^|,)" + name + ":SASL_(PLAINTEXT|SSL)(,|$)");
        }
        assertThat(protocols).doesNotContainPattern(":(PLAINTEXT|SSL)(,|$)");
        assertThat(broker.path("KAFKA_ADVERTISED_LISTENERS").asText()).contains("CLIENT://kafka:9092");
        assertThat(broker.path("KAFKA_LISTENER_NAME_CLIENT_SASL_ENABLED_MECHANISMS")
                        .asText())
                .isEqualTo("SCRAM-SHA-512");
        assertThat(broker.path("KAFKA_AUTHORIZER_CLASS_NAME").asText())
                .isEqualTo("org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        assertThat(broker.path("KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND").asText()).isEqualTo("false");
        assertThat(broker.path("KAFKA_SUPER_USERS").asText()).isEqualTo("User:admin");
        assertThat(broker.toString()).as("no Kafka password in the file").doesNotContainPattern("password=\\\\?\"[^$]");
        assertThat(services.at("/kafka/ports").toString()).doesNotContain("9093", "9094");

        for (String service : PORTS.keySet()) {
            String user = "fleet-" + service.replace("-service", "");
            String variable =
                    "FLEET_KAFKA_" + service.replace("-service", "").toUpperCase(java.util.Locale.ROOT) + "_PASSWORD";
            JsonNode env = services.get(service).path("environment");
            assertThat(env.path("KAFKA_SECURITY_PROTOCOL").asText()).as(service).isEqualTo("SASL_PLAINTEXT");
            assertThat(env.path("KAFKA_SASL_MECHANISM").asText()).as(service).isEqualTo("SCRAM-SHA-512");
            assertThat(env.path("KAFKA_SASL_JAAS_CONFIG").asText())
                    .as("%s connects to Kafka as %s with a required password", service, user)
                    .startsWith("org.apache.kafka.common.security.scram.ScramLoginModule required")
                    .contains("username=\"" + user + "\"", "password=\"${" + variable + ":?");
        }

        String script = services.at("/topics/command").get(0).asText();
        Set<String> granted = script.lines()
                .map(String::strip)
                .filter(l -> l.startsWith("acl fleet-"))
                .map(l -> l.substring("acl ".length()))
                .collect(Collectors.toSet());
        Set<String> wanted = new java.util.HashSet<>();
        Set<String> users = new java.util.HashSet<>();
        try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class)
                .readValues(ROOT.resolve("deploy/k8s/base/kafka-users.yaml").toFile())) {
            for (JsonNode doc : (Iterable<JsonNode>) () -> docs) {
                if (doc == null || !kind(doc, "KafkaUser")) {
                    continue;
                }
                String user = doc.at("/metadata/name").asText();
                users.add(user);
                for (JsonNode acl : doc.at("/spec/authorization/acls")) {
                    JsonNode r = acl.get("resource");
                    String type = r.get("type").asText();
                    List<String> ops = new ArrayList<>();
                    acl.get("operations").forEach(o -> ops.add(o.asText()));
                    wanted.add(String.join(
                            " ",
                            user,
                            "prefix".equals(r.path("patternType").asText()) ? "prefixed" : "literal",
                            type,
                            type.equals("cluster")
                                    ? "kafka-cluster"
                                    : r.get("name").asText(),
                            String.join(" ", ops)));
                }
            }
        }
        assertThat(granted)
                .as("the topics job grants the ACLs of kafka-users.yaml, no more, no less")
                .isEqualTo(wanted);
        for (String user : users) {
            String variable =
                    "FLEET_KAFKA_" + user.substring("fleet-".length()).toUpperCase(java.util.Locale.ROOT) + "_PASSWORD";
            assertThat(script).as("SCRAM credential of %s", user).contains("user " + user + " \"$$" + variable + "\"");
            assertThat(services.at("/topics/environment/" + variable).asText()).startsWith("${" + variable + ":?");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyOverlayRendersWithTheInvariants(String overlay) throws Exception {
        if ("true".equals(System.getenv("CI"))) {
            // in CI a missing renderer is a failure, never a silent skip (bin/fleet-test says where to get one)
            assertThat(kubectl())
                    .as("kubectl (1.27 or newer, with kustomize v5) is needed on PATH to render deploy/k8s; "
                            + "Debian bookworm's kubernetes-client 1.20 is too old for these overlays")
                    .isTrue();
        }
        assumeThat(kubectl())
                .as("kubectl with kustomize is needed to render deploy/k8s")
                .isTrue();
        List<JsonNode> objects = render(overlay);
        assertThat(objects).isNotEmpty();

        Set<String> topics = objects.stream()
                .filter(o -> kind(o, "KafkaTopic"))
                .map(o -> o.at("/spec/topicName").asText())
                .collect(Collectors.toSet());
        assertThat(topics).containsAll(allTopics());
        JsonNode nodes = objects.stream()
                .filter(o -> kind(o, "KafkaTopic")
                        && o.at("/spec/topicName").asText().equals(Topics.NODES))
                .findFirst()
                .orElseThrow();
        assertThat(nodes.at("/spec/config/cleanup.policy").asText())
                .as("fleet.nodes is keyed by cluster")
                .isEqualTo("delete");

        List<JsonNode> deployments =
                objects.stream().filter(o -> kind(o, "Deployment")).toList();
        assertThat(deployments)
                .extracting(d -> d.at("/metadata/name").asText())
                .contains("inventory-service", "planner-service", "executor-service", "inventory-discovery");
        for (JsonNode d : deployments) {
            for (JsonNode c : d.at("/spec/template/spec/containers")) {
                String at =
                        d.at("/metadata/name").asText() + "/" + c.get("name").asText();
                assertThat(c.at("/readinessProbe/httpGet/path").asText()).as(at).isEqualTo("/q/health/ready");
                assertThat(c.at("/livenessProbe/httpGet/path").asText()).as(at).isEqualTo("/q/health/live");
                assertThat(c.at("/resources/requests/cpu").isMissingNode())
                        .as(at)
                        .isFalse();
                assertThat(c.at("/resources/requests/memory").isMissingNode())
                        .as(at)
                        .isFalse();
                assertThat(c.at("/resources/limits/memory").isMissingNode())
                        .as(at)
                        .isFalse();
                for (JsonNode env : c.path("env")) {
                    String name = env.get("name").asText();
                    if (name.endsWith("_FILE")) {
                        // a file setting names a path; it must be in a mounted volume (a Secret's, for tokens)
                        String path = env.path("value").asText();
                        assertThat(c.path("volumeMounts").findValuesAsText("mountPath"))
                                .as("%s: %s=%s", at, name, path)
                                .anyMatch(mount -> path.startsWith(mount + "/"));
                    } else if (name.matches("(?i).*(PASSWORD|SECRET|TOKEN|KEY).*")) {
                        assertThat(env.has("value"))
                                .as("%s: %s must come from a Secret reference", at, name)
                                .isFalse();
                    }
                }
            }
        }
        // Kafka: every listener authenticates, the broker authorizes, each service connects as its own KafkaUser, and
        // only the services' pods may reach the brokers.
        JsonNode kafka =
                objects.stream().filter(o -> kind(o, "Kafka")).findFirst().orElseThrow();
        for (JsonNode listener : kafka.at("/spec/kafka/listeners")) {
            assertThat(listener.at("/authentication/type").asText())
                    .as("listener %s", listener.get("name"))
                    .isEqualTo("scram-sha-512");
        }
        assertThat(kafka.at("/spec/kafka/authorization/type").asText()).isEqualTo("simple");
        Map<String, JsonNode> users = objects.stream()
                .filter(o -> kind(o, "KafkaUser"))
                .collect(Collectors.toMap(o -> o.at("/metadata/name").asText(), o -> o));
        for (JsonNode d : deployments) {
            for (JsonNode c : d.at("/spec/template/spec/containers")) {
                JsonNode jaas = c.path("env").findParents("name").stream()
                        .filter(e -> e.get("name").asText().equals("KAFKA_SASL_JAAS_CONFIG"))
                        .findFirst()
                        .orElse(null);
                assertThat(jaas)
                        .as(
                                "%s connects to Kafka with credentials",
                                d.at("/metadata/name").asText())
                        .isNotNull();
                assertThat(users)
                        .containsKey(jaas.at("/valueFrom/secretKeyRef/name").asText());
            }
        }
        assertThat(writers(users, Topics.PLANS_ARC_K8S))
                .as("only the planner writes plans (and the operator tools re-drive)")
                .containsExactlyInAnyOrder("fleet-planner", "fleet-inventory");
        assertThat(writers(users, Topics.STATUS)).doesNotContain("fleet-device");
        assertThat(users.get("fleet-device").at("/spec/authorization/acls")).hasSize(1);
        assertThat(objects)
                .anyMatch(o -> kind(o, "NetworkPolicy")
                        && o.at("/spec/podSelector/matchLabels/strimzi.io~1cluster")
                                .asText()
                                .equals("fleet"));
        assertThat(objects.stream().filter(o -> kind(o, "PodDisruptionBudget")).count())
                .isEqualTo(3);
        assertThat(objects.stream()
                        .filter(o -> kind(o, "ScaledObject"))
                        .map(o -> o.at("/spec/scaleTargetRef/name").asText()))
                .containsExactlyInAnyOrder("planner-service", "executor-service");
        JsonNode executorScaler = objects.stream()
                .filter(o -> kind(o, "ScaledObject")
                        && o.at("/metadata/name").asText().equals("executor-service"))
                .findFirst()
                .orElseThrow();
        assertThat(executorScaler.at("/spec/triggers").size()).isEqualTo(1);
        assertThat(executorScaler.at("/spec/triggers/0/type").asText())
                .as("the executor scales on its backlog")
                .isEqualTo("prometheus");
        assertThat(executorScaler.at("/spec/triggers/0/metadata/query").asText())
                .contains("arcfleet_executor_backlog")
                .contains("namespace=\"" + (overlay.equals("prod") ? "arcfleet" : "arcfleet-" + overlay) + "\"");
        assertThat(objects)
                .anyMatch(
                        o -> kind(o, "Cluster") && o.at("/apiVersion").asText().startsWith("postgresql.cnpg.io"));
        assertThat(objects).anyMatch(o -> kind(o, "Kafka"));
        assertThat(objects).anyMatch(o -> kind(o, "KafkaNodePool"));
        assertThat(objects).anyMatch(o -> kind(o, "NetworkPolicy"));
        assertThat(objects).anyMatch(o -> kind(o, "ServiceMonitor"));
        assertThat(objects).noneMatch(o -> kind(o, "Secret"));
        String all = objects.toString();
        assertThat(all).doesNotContainPattern("(?i)client-?secret\"\\s*:\\s*\"[^\"$]");
        assertThat(all).doesNotContain("BEGIN RSA PRIVATE KEY", "BEGIN PRIVATE KEY", "client-key-data");
        if (overlay.equals("prod")) {
            assertThat(objects)
                    .anyMatch(o -> kind(o, "ServiceAccount")
                            && o.at("/metadata/annotations").has("azure.workload.identity/client-id"));
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
            Process p = new ProcessBuilder("kubectl", "version", "--client")
                    .redirectErrorStream(true)
                    .start();
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
        Process p = new ProcessBuilder(
                        "kubectl",
                        "kustomize",
                        ROOT.resolve("deploy/k8s/overlays/" + overlay).toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue())
                .as("kubectl kustomize deploy/k8s/overlays/%s", overlay)
                .isZero();
        try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(out)) {
            return StreamSupport.stream(((Iterable<JsonNode>) () -> docs).spliterator(), false)
                    .filter(n -> n != null && !n.isNull() && !n.isEmpty())
                    .toList();
        }
    }

    /** The KafkaUsers whose ACLs allow writing {@code topic} (a literal name or a prefix of it). */
    private static Set<String> writers(Map<String, JsonNode> users, String topic) {
        return users.entrySet().stream()
                .filter(u -> {
                    for (JsonNode acl : u.getValue().at("/spec/authorization/acls")) {
                        String name = acl.at("/resource/name").asText();
                        boolean matches = acl.at("/resource/type").asText().equals("topic")
                                && (acl.at("/resource/patternType").asText().equals("prefix")
                                        ? topic.startsWith(name)
                                        : topic.equals(name));
                        if (matches && acl.get("operations").toString().contains("Write")) {
                            return true;
                        }
                    }
                    return false;
                })
                .map(Map.Entry::getKey)
                .collect(Collectors.toSet());
    }
}
