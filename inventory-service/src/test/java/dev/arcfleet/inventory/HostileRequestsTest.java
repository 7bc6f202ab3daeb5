package dev.arcfleet.inventory;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arcfleet.testsupport.FleetInfraResource;
import dev.arcfleet.testsupport.hostile.HostileRequests;
import dev.arcfleet.testsupport.hostile.HostileRequests.Attempt;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * 1,000 malformed or hostile requests against every inventory endpoint (mutated registrations, wrong types, huge
 * fields, deep nesting, broken JSON, random bytes, wrong content types, odd paths and query values), from a fixed
 * seed so a failure reproduces. Each must be answered below 500, and every 4xx must carry a JSON message.
 */
@QuarkusTest
@QuarkusTestResource(
        value = FleetInfraResource.class,
        initArgs = @ResourceArg(name = "database", value = "inventory_test"))
class HostileRequestsTest {
    static final int REQUESTS = 1000;
    static final long SEED = 20261125L;
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @TestHTTPResource("/")
    URL base;

    final HostileRequests hostile = new HostileRequests(SEED);
    final Random random = hostile.random();

    @Test
    void aThousandHostileRequestsAllGetA4xxWithAMessageOrAreAccepted() throws Exception {
        hostile.assertAllRefusedCleanly(
                base.toString(),
                "inventory",
                REQUESTS,
                this::next,
                "the mix reached validation (400) and routing (404/405/415)",
                400,
                404,
                415);
    }

    private Attempt next(int i) {
        List<Supplier<Attempt>> kinds = List.of(
                () -> Attempt.json("POST", "/api/v1/registrations", hostile.mutate(registration())),
                () -> Attempt.json(
                        "POST", "/api/v1/registrations", hostile.mutatedBulk(HostileRequestsTest::registration)),
                () -> new Attempt("POST", "/api/v1/registrations", "application/json", brokenJson()),
                () -> new Attempt(
                        "POST",
                        "/api/v1/registrations",
                        hostile.contentType(),
                        hostile.mutate(registration()).toString().getBytes(StandardCharsets.UTF_8)),
                () -> new Attempt("POST", "/api/v1/registrations", "application/json", hostile.deepNesting()),
                () -> new Attempt("POST", "/api/v1/registrations", "application/json", hostile.randomBytes()),
                () -> Attempt.json("POST", "/api/v1/clusters", hostile.mutate(cluster())),
                () -> new Attempt("POST", "/api/v1/clusters", "application/json", brokenJson()),
                () -> new Attempt(
                        "POST",
                        "/api/v1/imports",
                        random.nextBoolean() ? "text/csv" : "application/x-ndjson",
                        randomLines()),
                () -> new Attempt(
                        "GET", "/api/v1/nodes?" + hostile.query("page", "size", "state", "route", "q"), null, null),
                () -> new Attempt("GET", "/api/v1/nodes/" + hostile.weirdPath(), null, null),
                () -> new Attempt("GET", "/api/v1/timelines/" + hostile.weirdPath(), null, null),
                () -> new Attempt("GET", "/api/v1/fleet/breakdown?" + hostile.query("by"), null, null),
                () -> new Attempt("GET", "/api/v1/executions/attention?" + hostile.query("limit"), null, null),
                () -> new Attempt("GET", "/api/v1/imports?" + hostile.query("limit"), null, null),
                () -> new Attempt(
                        random.nextBoolean() ? "DELETE" : "PUT",
                        "/api/v1/" + hostile.pick("clusters/", "registrations", "nodes/", "fleet/summary")
                                + hostile.weirdPath(),
                        "application/json",
                        brokenJson()));
        return kinds.get(i % kinds.size()).get();
    }

    private static ObjectNode registration() {
        ObjectNode r = NODES.objectNode();
        r.put("deviceId", "hostile-" + Long.toHexString(System.nanoTime()));
        r.put("hostname", "h1");
        r.put("site", "ghent");
        r.put("deviceClass", "SERVER");
        r.put("osImage", "Talos (v1.8.2)");
        r.putObject("osRelease").put("ID", "talos").put("VERSION_ID", "v1.8.2");
        r.putObject("host")
                .put("architecture", "amd64")
                .put("cpuCores", 4)
                .put("memoryMiB", 8192)
                .put("readOnlyUsr", true);
        r.putObject("cluster").put("id", "ghent-1").put("distribution", "talos");
        r.putObject("labels").put("zone", "a");
        return r;
    }

    private static ObjectNode cluster() {
        ObjectNode c = NODES.objectNode();
        c.put("id", "hostile-" + Long.toHexString(System.nanoTime()));
        c.put("site", "ghent");
        c.putObject("access")
                .put("mode", "KUBECONFIG_FILE")
                .put("path", System.getProperty("java.io.tmpdir") + "/nonexistent-kubeconfig");
        return c;
    }

    private byte[] brokenJson() {
        return hostile.brokenJson(registration().toString());
    }

    private byte[] randomLines() {
        StringBuilder text = new StringBuilder();
        int lines = random.nextInt(50);
        for (int k = 0; k < lines; k++) {
            text.append(
                            random.nextBoolean()
                                    ? hostile.mutate(registration()).toString()
                                    : new String(hostile.randomBytes(), StandardCharsets.ISO_8859_1))
                    .append('\n');
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }
}
