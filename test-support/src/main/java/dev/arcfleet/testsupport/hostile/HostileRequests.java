package dev.arcfleet.testsupport.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
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
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * Malformed and hostile HTTP requests from a fixed seed, so a failure reproduces: values of the wrong kind anywhere in
 * a JSON tree, broken JSON, deep nesting, random bytes, wrong content types, odd query values and path segments. A
 * service's test supplies its endpoints and valid bodies; {@link #send} fires them and reports every answer that was a
 * 5xx or a 4xx without a JSON {@code message}.
 */
public final class HostileRequests {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request; a null content type sends none, a null body sends no body. */
    public record Attempt(String method, String path, String contentType, byte[] body) {
        public static Attempt json(String method, String path, JsonNode body) {
            return new Attempt(method, path, "application/json", body.toString().getBytes(StandardCharsets.UTF_8));
        }

        String describe() {
            String text = body == null ? "" : new String(body, 0, Math.min(body.length, 120), StandardCharsets.UTF_8);
            return method + " " + path + " [" + contentType + ", " + (body == null ? 0 : body.length) + " bytes] "
                    + text;
        }
    }

    /** Answers counted by status, and the ones that broke the rule (5xx, or 4xx without a message). */
    public record Report(Map<Integer, Integer> byStatus, List<String> failures) {}

    private final Random random;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public HostileRequests(long seed) {
        this.random = new Random(seed);
    }

    public Random random() {
        return random;
    }

    public Report send(String base, int count, IntFunction<Attempt> attempts) throws IOException, InterruptedException {
        Map<Integer, Integer> byStatus = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        String root = base.replaceAll("/$", "");
        for (int i = 0; i < count; i++) {
            Attempt attempt = attempts.apply(i);
            HttpRequest.Builder request =
                    HttpRequest.newBuilder(URI.create(root + attempt.path())).timeout(Duration.ofSeconds(60));
            if (attempt.contentType() != null) {
                request.header("Content-Type", attempt.contentType());
            }
            request.method(
                    attempt.method(),
                    attempt.body() == null
                            ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(attempt.body()));
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            int status = response.statusCode();
            byStatus.merge(status, 1, Integer::sum);
            if (status >= 500) {
                failures.add(status + " for #" + i + " " + attempt.describe() + " -> " + response.body());
            } else if (status >= 400 && !hasMessage(response.body())) {
                failures.add(status + " without a JSON message for #" + i + " " + attempt.describe() + " -> "
                        + response.body());
            }
        }
        return new Report(byStatus, failures);
    }

    /**
     * What every service's hostile-request test checks: {@code count} requests from {@code attempts} sent to
     * {@code base} (the answers by status printed under {@code name}), none answered 5xx or 4xx without a message, the
     * mix reached each of {@code statuses} ({@code reached} says which checks those are), and the service still ready.
     */
    public void assertAllRefusedCleanly(
            String base, String name, int count, IntFunction<Attempt> attempts, String reached, Integer... statuses)
            throws IOException, InterruptedException {
        Report report = send(base, count, attempts);
        System.out.printf("%s hostile requests: %d sent, answers by status %s%n", name, count, report.byStatus());
        assertThat(report.failures())
                .as("answers that were 5xx or carried no message")
                .isEmpty();
        assertThat(report.byStatus().keySet()).as(reached).contains(statuses);
        assertThat(readiness(base)).as("still healthy after all of it").isEqualTo(200);
    }

    /** A bulk of 1 to 20 items: each {@code valid}, {@code valid} mutated, a number or null. */
    public JsonNode mutatedBulk(Supplier<ObjectNode> valid) {
        ArrayNode bulk = JsonNodeFactory.instance.arrayNode();
        int n = 1 + random.nextInt(20);
        for (int k = 0; k < n; k++) {
            switch (random.nextInt(4)) {
                case 0 -> bulk.add(valid.get());
                case 1 -> bulk.add(mutate(valid.get()));
                case 2 -> bulk.add(random.nextInt(1000));
                default -> bulk.addNull();
            }
        }
        return bulk;
    }

    /** The service still answers its readiness check after the barrage. */
    public int readiness(String base) throws IOException, InterruptedException {
        return http.send(
                        HttpRequest.newBuilder(URI.create(base.replaceAll("/$", "") + "/q/health/ready"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .statusCode();
    }

    private static boolean hasMessage(String body) {
        try {
            JsonNode json = JSON.readTree(body);
            return json != null
                    && json.hasNonNull("message")
                    && !json.get("message").asText().isBlank();
        } catch (IOException e) {
            return false;
        }
    }

    /** Replaces one to three values anywhere in the tree with something of the wrong kind. */
    public JsonNode mutate(ObjectNode node) {
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

    /** A valid document cut short, with the wrong separators, empty, null, with duplicate keys, or a bare string. */
    public byte[] brokenJson(String valid) {
        String broken = switch (random.nextInt(6)) {
            case 0 -> valid.substring(0, random.nextInt(valid.length()));
            case 1 -> valid.replace(":", "=");
            case 2 -> "";
            case 3 -> "null";
            case 4 -> "{\"id\": \"a\", \"id\": " + valid + "}}}}";
            default -> "\"just a string\"";
        };
        return broken.getBytes(StandardCharsets.UTF_8);
    }

    public byte[] deepNesting() {
        int depth = 1000 + random.nextInt(20_000);
        return ("[".repeat(depth) + "]".repeat(random.nextBoolean() ? depth : depth / 2))
                .getBytes(StandardCharsets.UTF_8);
    }

    public byte[] randomBytes() {
        byte[] bytes = new byte[random.nextInt(5000)];
        random.nextBytes(bytes);
        return bytes;
    }

    public String contentType() {
        return pick(
                "text/plain",
                "application/xml",
                "multipart/form-data; boundary=x",
                "application/x-www-form-urlencoded",
                "application/json; charset=ebcdic",
                "*/*",
                "image/png");
    }

    /** Some of the named parameters, each with a hostile value. */
    public String query(String... names) {
        StringBuilder q = new StringBuilder();
        for (String name : names) {
            if (random.nextBoolean()) {
                q.append(name)
                        .append('=')
                        .append(URLEncoder.encode(
                                pick(
                                        "-1",
                                        "0",
                                        "abc",
                                        "99999999999999999999",
                                        "%",
                                        "",
                                        "' or 1=1 --",
                                        "x".repeat(5000),
                                        "\u0000",
                                        "1e9",
                                        "SUCCEEDED",
                                        "site"),
                                StandardCharsets.UTF_8))
                        .append('&');
            }
        }
        return q.toString();
    }

    public String weirdPath() {
        return pick(
                "..%2F..%2Fetc%2Fpasswd",
                "%00",
                "a%2Fb%2Fc",
                "x".repeat(3000),
                "%E2%80%AE",
                "node%20with%20space",
                "%25",
                "a/b/c/d/e/f",
                "%3Cscript%3E",
                "%2E%2E");
    }

    public String pick(String... options) {
        return options[random.nextInt(options.length)];
    }
}
