package dev.arcfleet.testsupport.arm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A PUT that creates a resource, over HTTP, as ARM answers it per type ({@link ArmPuts}): at once for the types whose
 * specification declares no long-running operation, else 201 with a non-terminal provisioningState that GETs of the
 * resource show until provisioning ends (ARM RPC async-api-reference.md, "Creating/Updating using PUT").
 */
class ArmEmulatorPutTest {
    private static final String SUB = "/subscriptions/00000000-0000-0000-0000-0000000000a2";
    private static final String RG = SUB + "/resourceGroups/rg-edge";
    private static final String CLUSTER = RG + "/providers/Microsoft.Kubernetes/connectedClusters/plant-9";
    private static final String RULE = RG + "/providers/Microsoft.Insights/dataCollectionRules/MSCI-westeurope-plant-9";
    private static final String ASSOCIATION =
            CLUSTER + "/providers/Microsoft.Insights/dataCollectionRuleAssociations/ContainerInsightsExtension";
    private static final String WORKSPACE = RG + "/providers/Microsoft.OperationalInsights/workspaces/arc-fleet";
    private static final String MONITOR_API = "2022-06-01";

    private ArmEmulator arm;
    private ArmHttp http;

    @BeforeEach
    void start() {
        // long enough that a running PUT is seen running, short enough to wait for
        arm = new ArmEmulator(200, 10, Duration.ofSeconds(2)).start();
        http = new ArmHttp(arm);
        arm.operationRetryAfter(Duration.ZERO);
        arm.seed(RG, Map.of("location", "westeurope"));
        arm.seed(CLUSTER, Map.of("location", "westeurope", "properties", Map.of("connectivityStatus", "Connected")));
    }

    @AfterEach
    void stop() {
        arm.close();
    }

    @Test
    void aDataCollectionRuleAndItsAssociationAreCreatedAtOnce() throws Exception {
        HttpResponse<String> rule = http.send(
                "PUT",
                RULE + "?api-version=" + MONITOR_API,
                "{\"location\":\"westeurope\",\"kind\":\"Linux\",\"properties\":{}}");
        assertThat(rule.statusCode()).isEqualTo(201);
        assertThat(rule.headers().firstValue("Azure-AsyncOperation")).isEmpty();
        assertThat(ArmHttp.json(rule).at("/properties/provisioningState").asText())
                .isEqualTo("Succeeded");

        HttpResponse<String> association = http.send(
                "PUT",
                ASSOCIATION + "?api-version=" + MONITOR_API,
                "{\"properties\":{\"dataCollectionRuleId\":\"" + RULE + "\"}}");
        assertThat(association.statusCode()).isEqualTo(201);
        assertThat(association.headers().firstValue("Azure-AsyncOperation")).isEmpty();
        assertThat(ArmHttp.json(http.send("GET", ASSOCIATION + "?api-version=" + MONITOR_API))
                        .at("/properties/provisioningState")
                        .asText())
                .isEqualTo("Succeeded");
    }

    @Test
    void aWorkspaceProvisionsLongAndItsGetsShowIt() throws Exception {
        HttpResponse<String> put = http.send(
                "PUT",
                WORKSPACE + "?api-version=2022-10-01",
                "{\"location\":\"westeurope\",\"properties\":{\"sku\":{\"name\":\"PerGB2018\"}}}");
        assertThat(put.statusCode()).isEqualTo(201);
        assertThat(put.headers().firstValue("Azure-AsyncOperation")).isPresent();
        assertThat(ArmHttp.json(put).at("/properties/provisioningState").asText())
                .isEqualTo("Accepted");
        assertThat(ArmHttp.json(http.send("GET", WORKSPACE + "?api-version=2022-10-01"))
                        .at("/properties/provisioningState")
                        .asText())
                .isIn("Accepted", "Creating");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> ArmHttp.json(http.send("GET", WORKSPACE + "?api-version=2022-10-01"))
                        .at("/properties/provisioningState")
                        .asText()
                        .equals("Succeeded"));
    }

    @Test
    void anInjectedFailureStillRunsLongWhereThePutIsSynchronous() throws Exception {
        arm.failProvisioning("dataCollectionRules/MSCI-westeurope-plant-9$");
        HttpResponse<String> rule = http.send(
                "PUT",
                RULE + "?api-version=" + MONITOR_API,
                "{\"location\":\"westeurope\",\"kind\":\"Linux\",\"properties\":{}}");
        assertThat(rule.statusCode()).isEqualTo(201);
        assertThat(rule.headers().firstValue("Azure-AsyncOperation")).isPresent();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> ArmHttp.json(http.send("GET", RULE + "?api-version=" + MONITOR_API))
                        .at("/properties/provisioningState")
                        .asText()
                        .equals("Failed"));
    }
}
