package dev.arcfleet.testsupport.arm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** DELETE per resource type, over HTTP, as ARM answers it (docs/offboarding-sources.md, "What the ARM emulator encodes"). */
class ArmEmulatorDeleteTest {
    private static final String SUB = "/subscriptions/00000000-0000-0000-0000-0000000000a1";
    private static final String RG = SUB + "/resourceGroups/rg-edge";
    private static final String CLUSTER = RG + "/providers/Microsoft.Kubernetes/connectedClusters/plant-7";
    private static final String OTHER_CLUSTER = RG + "/providers/Microsoft.Kubernetes/connectedClusters/plant-8";
    private static final String EXTENSIONS = "/providers/Microsoft.KubernetesConfiguration/extensions/";
    private static final String FLUX = "/providers/Microsoft.KubernetesConfiguration/fluxConfigurations/";
    private static final String MACHINE = RG + "/providers/Microsoft.HybridCompute/machines/vm-7";
    private static final String CUSTOM_LOCATION = RG + "/providers/Microsoft.ExtendedLocation/customLocations/cl-7";
    private static final String INSTANCE = RG + "/providers/Microsoft.IoTOperations/instances/aio-7";
    private static final String CLUSTER_API = "2024-01-01";
    private static final String EXTENSION_API = "2023-05-01";
    private static final String MACHINE_API = "2024-07-10";

    private final ObjectMapper mapper = new ObjectMapper();
    private ArmEmulator arm;
    private ArmHttp http;

    @BeforeEach
    void start() {
        // long enough that a running DELETE is seen running, short enough to wait for
        arm = new ArmEmulator(200, 10, Duration.ofSeconds(1)).start();
        http = new ArmHttp(arm);
        arm.seed(RG, Map.of("location", "westeurope"));
        arm.seed(CLUSTER, Map.of("location", "westeurope", "properties", Map.of("connectivityStatus", "Connected")));
        arm.seed(OTHER_CLUSTER, Map.of("location", "westeurope"));
    }

    @AfterEach
    void stop() {
        arm.close();
    }

    @Test
    void aMachinesExtensionsAreListedAndAMissingMachinesListIsNotFound() throws Exception {
        arm.seed(MACHINE, Map.of("location", "westeurope", "properties", Map.of("status", "Connected")));
        arm.seed(MACHINE + "/extensions/MDE.Linux", Map.of("location", "westeurope", "properties", Map.of()));
        arm.seed(
                MACHINE + "/extensions/AzureMonitorLinuxAgent",
                Map.of("location", "westeurope", "properties", Map.of()));
        HttpResponse<String> list = http.send("GET", MACHINE + "/extensions?api-version=" + MACHINE_API);
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(mapper.readTree(list.body()).path("value").findValuesAsText("name"))
                .containsExactlyInAnyOrder("MDE.Linux", "AzureMonitorLinuxAgent");
        HttpResponse<String> missing = http.send(
                "GET",
                RG + "/providers/Microsoft.HybridCompute/machines/vm-gone/extensions" + "?api-version=" + MACHINE_API);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(mapper.readTree(missing.body()).path("error").path("code").asText())
                .isEqualTo("ParentResourceNotFound");
    }

    @Test
    void connectedClusterDeleteRunsLongAndTakesTheClustersChildResourcesWithIt() throws Exception {
        arm.seed(
                CLUSTER + EXTENSIONS + "azure-iot-operations",
                Map.of("properties", Map.of("extensionType", "microsoft.iotoperations")));
        arm.seed(CLUSTER + FLUX + "baseline", Map.of("properties", Map.of()));
        arm.seed(OTHER_CLUSTER + EXTENSIONS + "azure-iot-operations", Map.of("properties", Map.of()));

        // what az connectedk8s delete --force sends (vendored SDK 2024-07-01-preview, params force=true)
        HttpResponse<String> accepted = http.send("DELETE", CLUSTER + "?api-version=2024-07-01-preview&force=true");

        assertThat(accepted.statusCode()).isEqualTo(202);
        String status = accepted.headers().firstValue("Azure-AsyncOperation").orElseThrow();
        String location = accepted.headers().firstValue("Location").orElseThrow();
        assertThat(status).startsWith(arm.endpoint());
        assertThat(location).startsWith(arm.endpoint());
        assertThat(ArmHttp.json(http.send("GET", CLUSTER + "?api-version=" + CLUSTER_API))
                        .at("/properties/provisioningState")
                        .asText())
                .isEqualTo("Deleting");
        assertThat(http.send("GET", CLUSTER + EXTENSIONS + "azure-iot-operations?api-version=" + EXTENSION_API)
                        .statusCode())
                .isEqualTo(200);
        assertThat(ArmHttp.json(http.send("GET", status)).path("status").asText())
                .isEqualTo("InProgress");
        assertThat(http.send("GET", location).statusCode()).isEqualTo(202);

        await().atMost(Duration.ofSeconds(20))
                .until(() -> http.send("GET", location).statusCode() == 200);

        assertThat(ArmHttp.json(http.send("GET", status)).path("status").asText())
                .isEqualTo("Succeeded");
        HttpResponse<String> gone = http.send("GET", CLUSTER + "?api-version=" + CLUSTER_API);
        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(ArmHttp.json(gone).at("/error/code").asText()).isEqualTo("ResourceNotFound");
        assertThat(http.send("GET", CLUSTER + EXTENSIONS + "azure-iot-operations?api-version=" + EXTENSION_API)
                        .statusCode())
                .isEqualTo(404);
        assertThat(http.send("GET", CLUSTER + FLUX + "baseline?api-version=2023-05-01")
                        .statusCode())
                .isEqualTo(404);
        assertThat(arm.resourceIds("connectedClusters/plant-7")).isEmpty();
        assertThat(arm.resource(OTHER_CLUSTER + EXTENSIONS + "azure-iot-operations"))
                .isPresent();
        assertThat(arm.deletes(CLUSTER)).isEqualTo(1);
        assertThat(arm.forcedDeletes(CLUSTER)).isEqualTo(1);
        assertThat(arm.deletesOfType("Microsoft.Kubernetes/connectedClusters")).isEqualTo(1);
        assertThat(arm.deletesOfType("Microsoft.KubernetesConfiguration/extensions"))
                .isZero();
    }

    @Test
    void aDeleteRepeatedWhileOneRunsAnswersTheSameOperationAndAPutIsRefused() throws Exception {
        HttpResponse<String> first = http.send("DELETE", CLUSTER + "?api-version=" + CLUSTER_API);
        HttpResponse<String> again = http.send("DELETE", CLUSTER + "?api-version=" + CLUSTER_API);
        HttpResponse<String> put = http.send(
                "PUT",
                CLUSTER + "?api-version=" + CLUSTER_API,
                mapper.writeValueAsString(Map.of(
                        "location",
                        "westeurope",
                        "identity",
                        Map.of("type", "SystemAssigned"),
                        "properties",
                        Map.of("agentPublicKeyCertificate", Base64.getEncoder().encodeToString(new byte[] {1, 2})))));

        assertThat(again.statusCode()).isEqualTo(202);
        assertThat(again.headers().firstValue("Location"))
                .isEqualTo(first.headers().firstValue("Location"));
        assertThat(put.statusCode()).isEqualTo(409);
        assertThat(ArmHttp.json(put).at("/error/code").asText()).isEqualTo("AnotherOperationInProgress");
        assertThat(arm.deletes(CLUSTER)).isEqualTo(2);
        assertThat(arm.forcedDeletes(CLUSTER)).isZero();
    }

    @Test
    void clusterExtensionDeleteRunsLongAndAcceptsForceDelete() throws Exception {
        String extension = CLUSTER + EXTENSIONS + "azure-secret-store";
        arm.seed(extension, Map.of("properties", Map.of("extensionType", "microsoft.azure.secretstore")));

        HttpResponse<String> accepted =
                http.send("DELETE", extension + "?api-version=" + EXTENSION_API + "&forceDelete=true");

        assertThat(accepted.statusCode()).isEqualTo(202);
        String status = accepted.headers().firstValue("Azure-AsyncOperation").orElseThrow();
        assertThat(ArmHttp.json(http.send("GET", extension + "?api-version=" + EXTENSION_API))
                        .at("/properties/provisioningState")
                        .asText())
                .isEqualTo("Deleting");
        await().atMost(Duration.ofSeconds(20))
                .until(() -> "Succeeded"
                        .equals(ArmHttp.json(http.send("GET", status))
                                .path("status")
                                .asText()));
        HttpResponse<String> gone = http.send("GET", extension + "?api-version=" + EXTENSION_API);
        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(ArmHttp.json(gone).at("/error/code").asText()).isEqualTo("ResourceNotFound");
        assertThat(ArmHttp.json(http.send("GET", CLUSTER + "?api-version=" + CLUSTER_API))
                        .at("/properties/provisioningState")
                        .asText())
                .isEqualTo("Succeeded");
        assertThat(arm.forcedDeletes(extension)).isEqualTo(1);
        assertThat(arm.deletesOfType("Microsoft.KubernetesConfiguration/extensions"))
                .isEqualTo(1);
    }

    @Test
    void hybridMachineDeleteIsSynchronousAndItsExtensionDeleteRunsLong() throws Exception {
        String extension = MACHINE + "/extensions/AzureMonitorLinuxAgent";
        arm.seed(MACHINE, Map.of("location", "westeurope"));
        arm.seed(extension, Map.of("location", "westeurope", "properties", Map.of()));

        HttpResponse<String> extensionDelete = http.send("DELETE", extension + "?api-version=" + MACHINE_API);

        assertThat(extensionDelete.statusCode()).isEqualTo(202);
        String status =
                extensionDelete.headers().firstValue("Azure-AsyncOperation").orElseThrow();
        assertThat(extensionDelete.headers().firstValue("Location")).isPresent();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> "Succeeded"
                        .equals(ArmHttp.json(http.send("GET", status))
                                .path("status")
                                .asText()));
        assertThat(http.send("GET", extension + "?api-version=" + MACHINE_API).statusCode())
                .isEqualTo(404);

        HttpResponse<String> machineDelete = http.send("DELETE", MACHINE + "?api-version=" + MACHINE_API);

        assertThat(machineDelete.statusCode()).isEqualTo(200);
        assertThat(machineDelete.headers().firstValue("Azure-AsyncOperation")).isEmpty();
        assertThat(machineDelete.headers().firstValue("Location")).isEmpty();
        HttpResponse<String> gone = http.send("GET", MACHINE + "?api-version=" + MACHINE_API);
        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(ArmHttp.json(gone).at("/error/code").asText()).isEqualTo("ResourceNotFound");
        assertThat(http.send("DELETE", MACHINE + "?api-version=" + MACHINE_API).statusCode())
                .isEqualTo(204);
        assertThat(arm.deletes(MACHINE)).isEqualTo(2);
        assertThat(arm.deletesOfType("Microsoft.HybridCompute/machines")).isEqualTo(2);
        assertThat(arm.deletesOfType("Microsoft.HybridCompute/machines/extensions"))
                .isEqualTo(1);
    }

    @Test
    void deletingWhatIsAbsentAnswers204WhileGettingItAnswers404() throws Exception {
        String absentCluster = RG + "/providers/Microsoft.Kubernetes/connectedClusters/never-was";
        String absentExtension = CLUSTER + EXTENSIONS + "never-was";

        HttpResponse<String> clusterDelete = http.send("DELETE", absentCluster + "?api-version=" + CLUSTER_API);
        HttpResponse<String> extensionDelete = http.send("DELETE", absentExtension + "?api-version=" + EXTENSION_API);
        HttpResponse<String> machineDelete = http.send("DELETE", MACHINE + "?api-version=" + MACHINE_API);

        assertThat(clusterDelete.statusCode()).isEqualTo(204);
        assertThat(clusterDelete.headers().firstValue("Location")).isEmpty();
        assertThat(extensionDelete.statusCode()).isEqualTo(204);
        assertThat(machineDelete.statusCode()).isEqualTo(204);
        HttpResponse<String> get = http.send("GET", absentCluster + "?api-version=" + CLUSTER_API);
        assertThat(get.statusCode()).isEqualTo(404);
        assertThat(ArmHttp.json(get).at("/error/code").asText()).isEqualTo("ResourceNotFound");
        assertThat(ArmHttp.json(get).at("/error/message").asText()).contains("never-was");
        assertThat(arm.deletes(absentCluster)).isEqualTo(1);
        assertThat(arm.deletes()).hasSize(3);
    }

    @Test
    void customLocationDeleteRunsLongAndIsNotRefusedWhileResourcesUseIt() throws Exception {
        // no source found that ARM refuses this (docs/offboarding-sources.md): the emulator stays permissive
        arm.seed(
                CUSTOM_LOCATION,
                Map.of(
                        "location",
                        "westeurope",
                        "properties",
                        Map.of("hostResourceId", CLUSTER, "hostType", "Kubernetes")));
        arm.seed(
                INSTANCE,
                Map.of(
                        "location",
                        "westeurope",
                        "extendedLocation",
                        Map.of("name", CUSTOM_LOCATION, "type", "CustomLocation")));

        HttpResponse<String> accepted = http.send("DELETE", CUSTOM_LOCATION + "?api-version=2021-08-31-preview");

        assertThat(accepted.statusCode()).isEqualTo(202);
        String status = accepted.headers().firstValue("Azure-AsyncOperation").orElseThrow();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> "Succeeded"
                        .equals(ArmHttp.json(http.send("GET", status))
                                .path("status")
                                .asText()));
        assertThat(http.send("GET", CUSTOM_LOCATION + "?api-version=2021-08-31-preview")
                        .statusCode())
                .isEqualTo(404);
        assertThat(arm.resource(INSTANCE)).isPresent();
    }

    @Test
    void aConnectedClusterHostingACustomLocationIsNotRefusedEither() throws Exception {
        arm.seed(
                CUSTOM_LOCATION,
                Map.of(
                        "location",
                        "westeurope",
                        "properties",
                        Map.of("hostResourceId", CLUSTER, "hostType", "Kubernetes")));

        HttpResponse<String> accepted = http.send("DELETE", CLUSTER + "?api-version=" + CLUSTER_API);

        assertThat(accepted.statusCode()).isEqualTo(202);
        String location = accepted.headers().firstValue("Location").orElseThrow();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> http.send("GET", location).statusCode() == 200);
        assertThat(arm.resource(CLUSTER)).isEmpty();
        assertThat(arm.resource(CUSTOM_LOCATION)).isPresent();
    }

    @Test
    void otherTypesKeepTheGenericDeleteGoneAtOnceWithALocationToPoll() throws Exception {
        arm.seed(CUSTOM_LOCATION, Map.of("location", "westeurope"));
        arm.seed(
                INSTANCE,
                Map.of(
                        "location",
                        "westeurope",
                        "extendedLocation",
                        Map.of("name", CUSTOM_LOCATION, "type", "CustomLocation")));

        HttpResponse<String> accepted = http.send("DELETE", INSTANCE + "?api-version=2025-04-01");

        assertThat(accepted.statusCode()).isEqualTo(202);
        assertThat(accepted.headers().firstValue("Azure-AsyncOperation")).isEmpty();
        String location = accepted.headers().firstValue("Location").orElseThrow();
        assertThat(http.send("GET", INSTANCE + "?api-version=2025-04-01").statusCode())
                .isEqualTo(404);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> http.send("GET", location).statusCode() == 200);
        assertThat(arm.deletesOfType("Microsoft.IoTOperations/instances")).isEqualTo(1);
    }
}
