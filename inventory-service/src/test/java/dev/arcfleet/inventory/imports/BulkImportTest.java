package dev.arcfleet.inventory.imports;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.arcfleet.testsupport.FleetInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** File imports over the upload endpoint: JSON Lines and CSV, per-line error reports, progress records. */
@QuarkusTest
@QuarkusTestResource(
        value = FleetInfraResource.class,
        initArgs = @ResourceArg(name = "database", value = "inventory_test"))
class BulkImportTest {

    @Test
    void importsJsonLinesStoringGoodLinesAndReportingBadOnesByLineAndField() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String file = """
                {"deviceId": "%1$s-a", "osImage": "Talos (v1.8.2)", "cluster": {"id": "%1$s-c", "distribution": "talos"}}
                {"deviceId": "%1$s-b", "osRelease": {"ID": "ubuntu", "VERSION_ID": "22.04"}, "host": {"cpuCores": 4}}

                {"deviceId": "bad id!", "deviceClass": "TOASTER"}
                {not json
                {"deviceId": "%1$s-c", "osImage": "Bottlerocket OS 1.26.1 (metal-dev)"}
                """.formatted(run);
        JsonPath result = given().contentType("application/x-ndjson")
                .body(file.getBytes(StandardCharsets.UTF_8))
                .when()
                .post("/api/v1/imports")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();

        assertThat(result.getString("state")).isEqualTo("DONE");
        assertThat(result.getLong("lines")).isEqualTo(5);
        assertThat(result.getLong("accepted")).isEqualTo(3);
        assertThat(result.getLong("rejected")).isEqualTo(2);
        assertThat(result.getList("errors.line", Integer.class)).contains(4, 5);
        assertThat(result.getList("errors.findAll { it.line == 4 }.field", String.class))
                .contains("deviceId", "deviceClass");
        given().when()
                .get("/api/v1/nodes/" + run + "-b")
                .then()
                .statusCode(200)
                .body("os.family", equalTo("ubuntu"))
                .body("source", equalTo("IMPORT"));

        String id = result.getString("importId");
        given().when()
                .get("/api/v1/imports/" + id)
                .then()
                .statusCode(200)
                .body("accepted", equalTo(3))
                .body("state", equalTo("DONE"));

        // The same file again: nothing changed, nothing published.
        given().contentType("application/x-ndjson")
                .body(file.getBytes(StandardCharsets.UTF_8))
                .when()
                .post("/api/v1/imports")
                .then()
                .statusCode(200)
                .body("unchanged", equalTo(3))
                .body("accepted", equalTo(0));
    }

    @Test
    void importsCsvWithAHeaderRow() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String csv = """
                deviceId,site,deviceClass,osImage,architecture,cpuCores,memoryMiB,readOnlyUsr,clusterId,distribution,requiredCapabilities,labels,osRelease.ID
                %1$s-gw-1,ghent,EDGE_GATEWAY,Flatcar Container Linux by Kinvolk 3975.2.1 (Oklo),amd64,8,16384,true,%1$s-line3,k3s,EDGE_DATA;MONITOR,line=3;zone=a,flatcar
                %1$s-gw-2,ghent,EDGE_GATEWAY,,amd64,eight,16384,true,%1$s-line3,k3s,,,flatcar
                """.formatted(run);
        JsonPath result = given().contentType("text/csv")
                .body(csv)
                .when()
                .post("/api/v1/imports")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(result.getLong("accepted")).isEqualTo(1);
        assertThat(result.getLong("rejected")).isEqualTo(1);
        assertThat(result.getList("errors.field", String.class)).contains("host.cpuCores");
        assertThat(result.getList("errors.line", Integer.class)).containsOnly(3);
        given().when()
                .get("/api/v1/nodes/" + run + "-gw-1")
                .then()
                .statusCode(200)
                .body("os.family", equalTo("flatcar"))
                .body("cluster.id", equalTo(run + "-line3"))
                .body("labels.zone", equalTo("a"))
                .body("host.memoryMiB", equalTo(16384));
    }

    @Test
    void refusesAFileWithNothingUsable() {
        given().contentType("text/csv")
                .body("hostname,colour\nx,blue\n")
                .when()
                .post("/api/v1/imports")
                .then()
                .statusCode(400);
        given().contentType("application/x-ndjson")
                .body("{\"hostname\": \"no id\"}\n".getBytes(StandardCharsets.UTF_8))
                .when()
                .post("/api/v1/imports")
                .then()
                .statusCode(400)
                .body("rejected", equalTo(1));
    }
}
