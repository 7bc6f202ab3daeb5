package dev.arcfleet.planner.preview;

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
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * 500 malformed or hostile requests against the planner's API (previews of mutated registrations and facts, what-if
 * with mutated policies, broken JSON, deep nesting, random bytes, wrong content types, odd paths and query values),
 * from a fixed seed. Each is answered below 500, every 4xx with a JSON message, and the planner stays ready.
 */
@QuarkusTest
@QuarkusTestResource(
        value = FleetInfraResource.class,
        initArgs = @ResourceArg(name = "database", value = "planner_test"))
class HostileRequestsTest {
    static final int REQUESTS = 500;
    static final long SEED = 20261126L;
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @TestHTTPResource("/")
    URL base;

    final HostileRequests hostile = new HostileRequests(SEED);

    @Test
    void fiveHundredHostileRequestsAllGetA4xxWithAMessageOrAreAnswered() throws Exception {
        hostile.assertAllRefusedCleanly(
                base.toString(),
                "planner",
                REQUESTS,
                this::next,
                "the mix reached validation (400) and routing (404/415)",
                400,
                404,
                415);
    }

    private Attempt next(int i) {
        List<Supplier<Attempt>> kinds = List.of(
                () -> Attempt.json("POST", "/api/v1/decisions/preview", hostile.mutate(registration())),
                () -> Attempt.json(
                        "POST", "/api/v1/decisions/preview", hostile.mutatedBulk(HostileRequestsTest::registration)),
                () -> new Attempt(
                        "POST",
                        "/api/v1/decisions/preview",
                        "application/json",
                        hostile.brokenJson(registration().toString())),
                () -> new Attempt(
                        "POST",
                        "/api/v1/decisions/preview",
                        hostile.contentType(),
                        registration().toString().getBytes(StandardCharsets.UTF_8)),
                () -> new Attempt("POST", "/api/v1/decisions/preview", "application/json", hostile.deepNesting()),
                () -> new Attempt("POST", "/api/v1/decisions/preview", "application/json", hostile.randomBytes()),
                () -> Attempt.json(
                        "POST", "/api/v1/decisions/what-if?" + hostile.query("limit"), hostile.mutate(policy())),
                () -> new Attempt(
                        "POST",
                        "/api/v1/decisions/what-if",
                        "application/json",
                        hostile.brokenJson(policy().toString())),
                () -> new Attempt("POST", "/api/v1/decisions/what-if", "application/json", hostile.deepNesting()),
                () -> new Attempt(
                        hostile.pick("GET", "PUT", "DELETE", "POST"),
                        "/api/v1/decisions/" + hostile.weirdPath(),
                        "application/json",
                        hostile.brokenJson(policy().toString())));
        return kinds.get(i % kinds.size()).get();
    }

    private static ObjectNode registration() {
        ObjectNode r = NODES.objectNode();
        r.put("deviceId", "hostile-" + Long.toHexString(System.nanoTime()));
        r.put("site", "ghent");
        r.put("deviceClass", "EDGE_GATEWAY");
        r.put("osImage", "Flatcar Container Linux by Kinvolk 4081.2.0 (Oklo)");
        r.putObject("osRelease").put("ID", "flatcar").put("VERSION_ID", "4081.2.0");
        r.putObject("host")
                .put("architecture", "amd64")
                .put("cpuCores", 8)
                .put("memoryMiB", 16384)
                .put("readOnlyUsr", true);
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
}
