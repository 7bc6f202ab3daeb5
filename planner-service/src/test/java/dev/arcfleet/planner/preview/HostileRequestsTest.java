package dev.arcfleet.planner.preview;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arcfleet.testsupport.FleetInfraResource;
import dev.arcfleet.testsupport.hostile.HostileRequests;
import dev.arcfleet.testsupport.hostile.HostileRequests.Attempt;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 500 malformed or hostile requests against the planner's API (previews of mutated registrations and facts, what-if
 * with mutated policies, broken JSON, deep nesting, random bytes, wrong content types, odd paths and query values),
 * from a fixed seed. Each is answered below 500, every 4xx with a JSON message, and the planner stays ready.
 */
@QuarkusTest
@QuarkusTestResource(value = FleetInfraResource.class, initArgs = @ResourceArg(name = "database", value = "planner_test"))
class HostileRequestsTest {
    static final int REQUESTS = 500;
    static final long SEED = 20261126L;
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @TestHTTPResource("/")
    URL base;

    final HostileRequests hostile = new HostileRequests(SEED);
    final Random random = hostile.random();

    @Test
    void fiveHundredHostileRequestsAllGetA4xxWithAMessageOrAreAnswered() throws Exception {
        HostileRequests.Report report = hostile.send(base.toString(), REQUESTS, this::next);
        System.out.printf("planner hostile requests: %d sent, answers by status %s%n", REQUESTS, report.byStatus());
        assertThat(report.failures()).as("answers that were 5xx or carried no message").isEmpty();
        assertThat(report.byStatus().keySet()).as("the mix reached validation (400) and routing (404/415)")
                .contains(400, 404, 415);
        assertThat(hostile.readiness(base.toString())).as("still healthy after all of it").isEqualTo(200);
    }

    private Attempt next(int i) {
        List<Supplier<Attempt>> kinds = List.of(
                () -> Attempt.json("POST", "/api/v1/decisions/preview", hostile.mutate(registration())),
                () -> Attempt.json("POST", "/api/v1/decisions/preview", mutatedBulk()),
                () -> raw("POST", "/api/v1/decisions/preview", "application/json", hostile.brokenJson(registration().toString())),
                () -> raw("POST", "/api/v1/decisions/preview", hostile.contentType(),
                        registration().toString().getBytes(StandardCharsets.UTF_8)),
                () -> raw("POST", "/api/v1/decisions/preview", "application/json", hostile.deepNesting()),
                () -> raw("POST", "/api/v1/decisions/preview", "application/json", hostile.randomBytes()),
                () -> Attempt.json("POST", "/api/v1/decisions/what-if?" + hostile.query("limit"), hostile.mutate(policy())),
                () -> raw("POST", "/api/v1/decisions/what-if", "application/json", hostile.brokenJson(policy().toString())),
                () -> raw("POST", "/api/v1/decisions/what-if", "application/json", hostile.deepNesting()),
                () -> raw(hostile.pick("GET", "PUT", "DELETE", "POST"), "/api/v1/decisions/" + hostile.weirdPath(),
                        "application/json", hostile.brokenJson(policy().toString())));
        return kinds.get(i % kinds.size()).get();
    }

    private static Attempt raw(String method, String path, String contentType, byte[] body) {
        return new Attempt(method, path, contentType, body);
    }

    private static ObjectNode registration() {
        ObjectNode r = NODES.objectNode();
        r.put("deviceId", "hostile-" + Long.toHexString(System.nanoTime()));
        r.put("site", "ghent");
        r.put("deviceClass", "EDGE_GATEWAY");
        r.put("osImage", "Flatcar Container Linux by Kinvolk 4081.2.0 (Oklo)");
        r.putObject("osRelease").put("ID", "flatcar").put("VERSION_ID", "4081.2.0");
        r.putObject("host").put("architecture", "amd64").put("cpuCores", 8).put("memoryMiB", 16384).put("readOnlyUsr", true);
        r.putObject("cluster").put("id", "ghent-line3").put("distribution", "k3s");
        r.putArray("requiredCapabilities").add("POLICY").add("MONITOR");
        return r;
    }

    private static ObjectNode policy() {
        ObjectNode p = NODES.objectNode();
        p.put("version", "hostile");
        ObjectNode rule = p.putArray("routeRules").addObject();
        rule.put("name", "no agents in lyon");
        rule.put("site", "lyon");
        rule.putArray("deny").add("DIRECT_AGENT");
        return p;
    }

    private JsonNode mutatedBulk() {
        ArrayNode bulk = NODES.arrayNode();
        int n = 1 + random.nextInt(20);
        for (int k = 0; k < n; k++) {
            switch (random.nextInt(4)) {
                case 0 -> bulk.add(registration());
                case 1 -> bulk.add(hostile.mutate(registration()));
                case 2 -> bulk.add(random.nextInt(1000));
                default -> bulk.addNull();
            }
        }
        return bulk;
    }
}
