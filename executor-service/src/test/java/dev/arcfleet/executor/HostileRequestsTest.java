package dev.arcfleet.executor;

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
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * 300 malformed or hostile requests against the executor's API (cancel with mutated, broken, nested or random bodies
 * and wrong content types; retry and reads of odd plan ids; wrong methods), from a fixed seed. Each is answered below
 * 500, every 4xx with a JSON message, and the executor stays ready.
 */
@QuarkusTest
@QuarkusTestResource(
        value = FleetInfraResource.class,
        initArgs = @ResourceArg(name = "database", value = "executor_test"))
class HostileRequestsTest {
    static final int REQUESTS = 300;
    static final long SEED = 20261127L;

    @TestHTTPResource("/")
    URL base;

    final HostileRequests hostile = new HostileRequests(SEED);

    @Test
    void threeHundredHostileRequestsAllGetA4xxWithAMessage() throws Exception {
        hostile.assertAllRefusedCleanly(
                base.toString(),
                "executor",
                REQUESTS,
                this::next,
                "the mix reached validation (400), lookups (404) and routing (405)",
                400,
                404,
                405);
    }

    private Attempt next(int i) {
        String plan = "/api/v1/executions/" + hostile.pick("p-1", hostile.weirdPath());
        List<Supplier<Attempt>> kinds = List.of(
                () -> Attempt.json("POST", plan + "/cancel", hostile.mutate(reason())),
                () -> new Attempt(
                        "POST", plan + "/cancel", "application/json", hostile.brokenJson(reason().toString())),
                () -> new Attempt("POST", plan + "/cancel", hostile.contentType(), hostile.randomBytes()),
                () -> new Attempt("POST", plan + "/cancel", "application/json", hostile.deepNesting()),
                () -> new Attempt("POST", plan + "/retry", hostile.contentType(), hostile.randomBytes()),
                () -> new Attempt("GET", "/api/v1/executions/" + hostile.weirdPath(), null, null),
                () -> new Attempt(
                        hostile.pick("PUT", "DELETE", "PATCH"),
                        plan,
                        "application/json",
                        hostile.brokenJson(reason().toString())));
        return kinds.get(i % kinds.size()).get();
    }

    private static ObjectNode reason() {
        return JsonNodeFactory.instance.objectNode().put("reason", "maintenance window");
    }
}
