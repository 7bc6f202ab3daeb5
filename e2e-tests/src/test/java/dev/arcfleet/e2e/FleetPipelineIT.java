package dev.arcfleet.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arcfleet.contracts.Topics;
import dev.arcfleet.testsupport.LocalKafka;
import dev.arcfleet.testsupport.LocalPostgres;
import dev.arcfleet.testsupport.ServiceProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The three packaged services as separate processes on a real KRaft broker and real PostgreSQL: registrations in over
 * REST, decisions by the planner, dry-run executions, and the node states the inventory shows at the end.
 */
class FleetPipelineIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final List<ServiceProcess> SERVICES = new ArrayList<>();
    static ServiceProcess inventory;

    @BeforeAll
    static void startPipeline() {
        Path root = Path.of(System.getProperty("fleet.root", "..")).toAbsolutePath().normalize();
        Path logs = root.resolve("e2e-tests/target/e2e-logs");
        String bootstrap = LocalKafka.bootstrapServers();
        List<String> topics = new ArrayList<>(Topics.MAIN);
        Topics.MAIN.forEach(t -> topics.add(Topics.deadLetter(t)));
        LocalKafka.createTopics(topics);
        for (String service : List.of("inventory", "planner", "executor")) {
            String jdbcUrl = LocalPostgres.database(service + "_e2e");
            ServiceProcess process = ServiceProcess.start(root, service + "-service", Map.of(
                    "KAFKA_BOOTSTRAP_SERVERS", bootstrap,
                    "QUARKUS_DATASOURCE_JDBC_URL", jdbcUrl,
                    "QUARKUS_DATASOURCE_USERNAME", LocalPostgres.USER,
                    "QUARKUS_DATASOURCE_PASSWORD", "",
                    "EXECUTOR_MODE", "dry-run"), logs);
            SERVICES.add(process);
        }
        SERVICES.forEach(s -> s.awaitReady(Duration.ofSeconds(90)));
        inventory = SERVICES.get(0);
    }

    @AfterAll
    static void stopPipeline() {
        SERVICES.forEach(ServiceProcess::close);
    }

    @Test
    void registrationsFlowToTheirRoutesAndEndInTerminalStates() throws Exception {
        String fleet = """
                [
                  {"deviceId": "e2e-ghent/talos-cp-1", "hostname": "talos-cp-1", "site": "ghent", "deviceClass": "SERVER",
                   "osImage": "Talos (v1.8.2)", "kernelVersion": "6.6.58-talos",
                   "osRelease": {"ID": "talos", "NAME": "Talos", "VERSION_ID": "v1.8.2", "PRETTY_NAME": "Talos (v1.8.2)"},
                   "host": {"architecture": "amd64", "cpuCores": 4, "memoryMiB": 8192, "readOnlyUsr": true, "packageManager": "none"},
                   "cluster": {"id": "e2e-ghent", "distribution": "talos"}},
                  {"deviceId": "e2e-lyon-db-01", "hostname": "db-01", "site": "lyon", "deviceClass": "SERVER",
                   "osRelease": {"ID": "ubuntu", "VERSION_ID": "22.04", "PRETTY_NAME": "Ubuntu 22.04.4 LTS"},
                   "host": {"architecture": "x86_64", "cpuCores": 8, "memoryMiB": 32768, "readOnlyUsr": false, "packageManager": "apt"}},
                  {"deviceId": "e2e-porto-sensor-9", "hostname": "sensor-9", "site": "porto", "deviceClass": "SERVER",
                   "osImage": "Flatcar Container Linux by Kinvolk 3975.2.1 (Oklo)",
                   "osRelease": {"ID": "flatcar", "ID_LIKE": "coreos", "VERSION_ID": "3975.2.1"},
                   "host": {"architecture": "amd64", "cpuCores": 2, "memoryMiB": 4096, "readOnlyUsr": true, "packageManager": "none"}}
                ]""";
        HttpResponse<String> response = post("/api/v1/registrations", fleet);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).get("accepted").asInt()).isEqualTo(3);

        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            JsonNode talos = node("e2e-ghent/talos-cp-1");
            assertThat(talos.at("/onboarding/route").asText()).isEqualTo("ARC_K8S");
            assertThat(talos.at("/onboarding/target/id").asText()).isEqualTo("e2e-ghent");
            assertThat(talos.at("/onboarding/state").asText()).as(talos.toString()).isEqualTo("SUCCEEDED");
            JsonNode ubuntu = node("e2e-lyon-db-01");
            assertThat(ubuntu.at("/onboarding/route").asText()).isEqualTo("DIRECT_AGENT");
            assertThat(ubuntu.at("/onboarding/state").asText()).isEqualTo("PLANNED");
            JsonNode flatcar = node("e2e-porto-sensor-9");
            assertThat(flatcar.at("/onboarding/route").asText()).isEqualTo("BLOCKED");
            assertThat(flatcar.at("/onboarding/state").asText()).isEqualTo("BLOCKED");
            assertThat(flatcar.at("/onboarding/reasons").toString()).contains("NO_KUBERNETES");
        });
        JsonNode talos = node("e2e-ghent/talos-cp-1");
        assertThat(talos.at("/os/family").asText()).isEqualTo("talos");
        assertThat(talos.at("/os/mutability").asText()).isEqualTo("IMMUTABLE");
        assertThat(talos.at("/onboarding/planId").asText()).isNotBlank();
    }

    private JsonNode node(String nodeId) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(inventory.baseUrl() + "/api/v1/nodes/"
                + URLEncoder.encode(nodeId, StandardCharsets.UTF_8).replace("%2F", "/"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET node %s: %s", nodeId, response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(inventory.baseUrl() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
