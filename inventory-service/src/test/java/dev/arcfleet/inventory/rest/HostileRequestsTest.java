package dev.arcfleet.inventory.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arcfleet.testsupport.FleetInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 1,000 malformed or hostile requests against every inventory endpoint (mutated registrations, wrong types, huge
 * fields, deep nesting, broken JSON, random bytes, wrong content types, odd paths and query values), from a fixed
 * seed so a failure reproduces. Each must be answered below 500, and every 4xx must carry a JSON message.
 */
@QuarkusTest
@QuarkusTestResource(value = FleetInfraResource.class, initArgs = @ResourceArg(name = "database", value = "inventory_test"))
class HostileRequestsTest {
    static final int REQUESTS = 1000;
    static final long SEED = 20261125L;
    static final ObjectMapper JSON = new ObjectMapper();
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @TestHTTPResource("/")
    URL base;

    final Random random = new Random(SEED);
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    record Attempt(String method, String path, String contentType, byte[] body) {
        String describe() {
            String text = body == null ? "" : new String(body, 0, Math.min(body.length, 120), StandardCharsets.UTF_8);
            return method + " " + path + " [" + contentType + ", " + (body == null ? 0 : body.length) + " bytes] " + text;
        }
    }

    @Test
    void aThousandHostileRequestsAllGetA4xxWithAMessageOrAreAccepted() throws Exception {
        Map<Integer, Integer> byStatus = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            Attempt attempt = next(i);
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base.toString().replaceAll("/$", "") + attempt.path()))
                    .timeout(Duration.ofSeconds(60));
            if (attempt.contentType() != null) {
                request.header("Content-Type", attempt.contentType());
            }
            request.method(attempt.method(), attempt.body() == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(attempt.body()));
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            int status = response.statusCode();
            byStatus.merge(status, 1, Integer::sum);
            if (status >= 500) {
                failures.add(status + " for #" + i + " " + attempt.describe() + " -> " + response.body());
            } else if (status >= 400 && !hasMessage(response.body())) {
                failures.add(status + " without a JSON message for #" + i + " " + attempt.describe() + " -> " + response.body());
            }
        }
        System.out.printf("hostile requests: %d sent, answers by status %s%n", REQUESTS, byStatus);
        assertThat(failures).as("answers that were 5xx or carried no message").isEmpty();
        assertThat(byStatus.keySet()).as("the mix reached validation (400) and routing (404/405/415)").contains(400, 404, 415);
        // the service is still healthy and answering after all of it
        assertThat(http.send(HttpRequest.newBuilder(URI.create(base.toString().replaceAll("/$", "") + "/q/health/ready"))
                .build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }

    private static boolean hasMessage(String body) {
        try {
            JsonNode json = JSON.readTree(body);
            return json != null && json.hasNonNull("message") && !json.get("message").asText().isBlank();
        } catch (Exception e) {
            return false;
        }
    }

    private Attempt next(int i) throws Exception {
        List<Supplier<Attempt>> kinds = List.of(
                () -> json("POST", "/api/v1/registrations", mutate(registration())),
                () -> json("POST", "/api/v1/registrations", mutatedBulk()),
                () -> raw("POST", "/api/v1/registrations", "application/json", brokenJson()),
                () -> raw("POST", "/api/v1/registrations", contentType(), mutate(registration()).toString().getBytes(StandardCharsets.UTF_8)),
                () -> raw("POST", "/api/v1/registrations", "application/json", deepNesting()),
                () -> raw("POST", "/api/v1/registrations", "application/json", randomBytes()),
                () -> json("POST", "/api/v1/clusters", mutate(cluster())),
                () -> raw("POST", "/api/v1/clusters", "application/json", brokenJson()),
                () -> raw("POST", "/api/v1/imports", random.nextBoolean() ? "text/csv" : "application/x-ndjson", randomLines()),
                () -> raw("GET", "/api/v1/nodes?" + query("page", "size", "state", "route", "q"), null, null),
                () -> raw("GET", "/api/v1/nodes/" + weirdPath(), null, null),
                () -> raw("GET", "/api/v1/timelines/" + weirdPath(), null, null),
                () -> raw("GET", "/api/v1/fleet/breakdown?" + query("by"), null, null),
                () -> raw("GET", "/api/v1/executions/attention?" + query("limit"), null, null),
                () -> raw("GET", "/api/v1/imports?" + query("limit"), null, null),
                () -> raw(random.nextBoolean() ? "DELETE" : "PUT", "/api/v1/" + pick("clusters/", "registrations", "nodes/", "fleet/summary") + weirdPath(),
                        "application/json", brokenJson()));
        return kinds.get(i % kinds.size()).get();
    }

    private Attempt json(String method, String path, JsonNode body) {
        return new Attempt(method, path, "application/json", body.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static Attempt raw(String method, String path, String contentType, byte[] body) {
        return new Attempt(method, path, contentType, body);
    }

    private static ObjectNode registration() {
        ObjectNode r = NODES.objectNode();
        r.put("deviceId", "hostile-" + Long.toHexString(System.nanoTime()));
        r.put("hostname", "h1");
        r.put("site", "ghent");
        r.put("deviceClass", "SERVER");
        r.put("osImage", "Talos (v1.8.2)");
        r.putObject("osRelease").put("ID", "talos").put("VERSION_ID", "v1.8.2");
        r.putObject("host").put("architecture", "amd64").put("cpuCores", 4).put("memoryMiB", 8192).put("readOnlyUsr", true);
        r.putObject("cluster").put("id", "ghent-1").put("distribution", "talos");
        r.putObject("labels").put("zone", "a");
        return r;
    }

    private static ObjectNode cluster() {
        ObjectNode c = NODES.objectNode();
        c.put("id", "hostile-" + Long.toHexString(System.nanoTime()));
        c.put("site", "ghent");
        c.putObject("access").put("mode", "KUBECONFIG_FILE").put("path", "/nonexistent/kubeconfig");
        return c;
    }

    /** Replaces one to three values anywhere in the tree with something of the wrong kind. */
    private JsonNode mutate(ObjectNode node) {
        int times = 1 + random.nextInt(3);
        for (int t = 0; t < times; t++) {
            List<ObjectNode> parents = new ArrayList<>();
            collect(node, parents);
            ObjectNode parent = parents.get(random.nextInt(parents.size()));
            List<String> names = new ArrayList<>();
            parent.fieldNames().forEachRemaining(names::add);
            if (names.isEmpty()) {
                continue;
            }
            String name = names.get(random.nextInt(names.size()));
            switch (random.nextInt(10)) {
                case 0 -> parent.put(name, random.nextLong());
                case 1 -> parent.put(name, -random.nextDouble() * 1e300);
                case 2 -> parent.putArray(name).add(1).add("x").addNull();
                case 3 -> parent.putObject(name).put("unexpected", true);
                case 4 -> parent.putNull(name);
                case 5 -> parent.put(name, "x".repeat(100_000 + random.nextInt(200_000)));
                case 6 -> parent.put(name, "\u0000\u202e\ud83d\ude00<script>alert(1)</script>'; drop table node; --");
                case 7 -> parent.remove(name);
                case 8 -> parent.put(name, random.nextBoolean());
                default -> parent.put(name + "\u0000", "extra");
            }
        }
        return node;
    }

    private static void collect(JsonNode node, List<ObjectNode> into) {
        if (node instanceof ObjectNode o) {
            into.add(o);
            for (Iterator<JsonNode> it = o.elements(); it.hasNext(); ) {
                collect(it.next(), into);
            }
        }
    }

    private JsonNode mutatedBulk() {
        ArrayNode bulk = NODES.arrayNode();
        int n = 1 + random.nextInt(20);
        for (int k = 0; k < n; k++) {
            switch (random.nextInt(4)) {
                case 0 -> bulk.add(registration());
                case 1 -> bulk.add(mutate(registration()));
                case 2 -> bulk.add(random.nextInt(1000));
                default -> bulk.addNull();
            }
        }
        return bulk;
    }

    private byte[] brokenJson() {
        String valid = registration().toString();
        String broken = switch (random.nextInt(6)) {
            case 0 -> valid.substring(0, random.nextInt(valid.length()));
            case 1 -> valid.replace(":", "=");
            case 2 -> "";
            case 3 -> "null";
            case 4 -> "{\"deviceId\": \"a\", \"deviceId\": " + valid + "}}}}";
            default -> "\"just a string\"";
        };
        return broken.getBytes(StandardCharsets.UTF_8);
    }

    private byte[] deepNesting() {
        int depth = 1000 + random.nextInt(20_000);
        return ("[".repeat(depth) + "]".repeat(random.nextBoolean() ? depth : depth / 2)).getBytes(StandardCharsets.UTF_8);
    }

    private byte[] randomBytes() {
        byte[] bytes = new byte[random.nextInt(5000)];
        random.nextBytes(bytes);
        return bytes;
    }

    private byte[] randomLines() {
        StringBuilder text = new StringBuilder();
        int lines = random.nextInt(50);
        for (int k = 0; k < lines; k++) {
            text.append(random.nextBoolean() ? mutate(registration()).toString() : new String(randomBytes(), StandardCharsets.ISO_8859_1))
                    .append('\n');
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    private String contentType() {
        return pick("text/plain", "application/xml", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded",
                "application/json; charset=ebcdic", "*/*", "image/png");
    }

    private String query(String... names) {
        StringBuilder q = new StringBuilder();
        for (String name : names) {
            if (random.nextBoolean()) {
                q.append(name).append('=').append(URLEncoder.encode(pick("-1", "0", "abc", "99999999999999999999", "%", "",
                        "' or 1=1 --", "x".repeat(5000), "\u0000", "1e9", "SUCCEEDED", "site"), StandardCharsets.UTF_8)).append('&');
            }
        }
        return q.toString();
    }

    private String weirdPath() {
        return pick("..%2F..%2Fetc%2Fpasswd", "%00", "a%2Fb%2Fc", "x".repeat(3000), "%E2%80%AE", "node%20with%20space",
                "%25", "a/b/c/d/e/f", "%3Cscript%3E", "%2E%2E");
    }

    private String pick(String... options) {
        return options[random.nextInt(options.length)];
    }
}
