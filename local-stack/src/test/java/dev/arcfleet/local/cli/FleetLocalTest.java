package dev.arcfleet.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.arcfleet.local.stack.Launch;
import dev.arcfleet.local.stack.LocalStack;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The command line against a stand-in HTTP server (the JDK's): arguments and usage errors, --help, exit codes, the
 * requests each command sends and how answers are rendered. No service runs.
 */
class FleetLocalTest {
    static final List<String> COMMANDS = List.of(
            "up",
            "demo",
            "status",
            "import",
            "handoff",
            "plans",
            "approve",
            "reject",
            "rollouts",
            "stale",
            "retire",
            "offboard",
            "executions",
            "cancel",
            "retry",
            "dead-letters",
            "redrive",
            "replay",
            "tokens",
            "down");

    @TempDir
    Path home;

    HttpServer server;
    LocalStack stack;
    String base;
    /** What the stand-in answers, by path (without the query): status and body. */
    final Map<String, Object[]> answers = new ConcurrentHashMap<>();

    final List<String[]> requests = new CopyOnWriteArrayList<>();

    record Run(int code, String out, String err) {}

    @BeforeEach
    void server() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::answer);
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
        stack = new LocalStack(
                home.resolve("checkout"),
                Map.of("FLEET_LOCAL_HOME", home.resolve("state").toString()));
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void answer(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        requests.add(new String[] {
            exchange.getRequestMethod(),
            exchange.getRequestURI().toString(),
            body,
            String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")),
            String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type"))
        });
        Object[] a = answers.getOrDefault(
                exchange.getRequestURI().getPath(),
                new Object[] {404, "{\"status\":404,\"message\":\"no such thing\"}"});
        byte[] bytes = ((String) a[1]).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders((int) a[0], bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }

    Run run(String... args) {
        return runAgainst(base, args);
    }

    Run runAgainst(String url, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = FleetLocal.commandLine(new FleetLocal(stack, s -> url, Map.of()));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    String token() {
        stack.ensureTokens(line -> {});
        return LocalStack.readToken(stack.adminToken());
    }

    @Test
    void everyCommandHasItsHelp() {
        Run top = run("--help");
        assertThat(top.code()).isZero();
        COMMANDS.forEach(c -> assertThat(top.out()).contains(c));
        assertThat(top.out()).contains("Exit codes:", "3   the stack cannot be reached");
        for (String command : COMMANDS) {
            Run help = run(command, "--help");
            assertThat(help.code()).as(command).isZero();
            assertThat(help.out())
                    .as(command)
                    .startsWith("Usage: fleet-local " + command)
                    .contains("--help");
        }
        assertThat(run("executions", "--help").out()).contains("--output=json|table");
        assertThat(run("help", "replay").out()).contains("--from=beginning|INSTANT", "--group=GROUP");
    }

    @Test
    void usageErrorsExitWithTwoAndCallNothing() throws IOException {
        token();
        Path notAFile = home.resolve("missing.jsonl");
        List<String[]> wrong = List.of(
                new String[] {},
                new String[] {"launch"},
                new String[] {"retry"},
                new String[] {"retry", "a", "b"},
                new String[] {"cancel"},
                new String[] {"redrive", "t.dlq"},
                new String[] {"redrive", "t.dlq", "all", "0:1"},
                new String[] {"redrive", "t.dlq", "0-1"},
                new String[] {"dead-letters", "--from", "3"},
                new String[] {"dead-letters", "--limit", "x", "t.dlq"},
                new String[] {"replay"},
                new String[] {"replay", "billing"},
                new String[] {"replay", "planner", "--from", "yesterday"},
                new String[] {"executions", "--output", "xml"},
                new String[] {"import"},
                new String[] {"import", notAFile.toString()},
                new String[] {"status", "extra"});
        for (String[] args : wrong) {
            Run r = run(args);
            assertThat(r.code()).as(String.join(" ", args)).isEqualTo(FleetLocal.USAGE);
            assertThat(r.err()).as(String.join(" ", args)).isNotBlank();
        }
        assertThat(requests).isEmpty();
    }

    @Test
    void answersPrintAsJsonByDefaultAndAsATableOnRequest() {
        String token = token();
        answers.put("/api/v1/executions/attention", new Object[] {
            200,
            "[{\"planId\":\"p-1\",\"state\":\"FAILED\",\"step\":\"connect\"},{\"planId\":\"p-22\",\"state\":\"RETRYING\"}]"
        });
        Run json = run("executions");
        assertThat(json.code()).isZero();
        JsonNode printed = FleetApi.parse(json.out());
        assertThat(printed.get(1).path("planId").asText()).isEqualTo("p-22");
        assertThat(requests.get(0))
                .containsExactly("GET", "/api/v1/executions/attention?limit=50", "", "Bearer " + token, "null");

        Run table = run("executions", "10", "--output", "table");
        assertThat(table.code()).isZero();
        assertThat(table.out().lines().toList())
                .containsExactly(
                        "planId  state     step",
                        "------  --------  -------",
                        "p-1     FAILED    connect",
                        "p-22    RETRYING");
        assertThat(requests.get(1)[1]).isEqualTo("/api/v1/executions/attention?limit=10");
    }

    @Test
    void aRefusalExitsWithOneAndItsMessageOnStderr() {
        token();
        answers.put(
                "/api/v1/executions/plan-7/retry",
                new Object[] {409, "{\"status\":409,\"message\":\"plan-7 has no failed execution\"}"});
        Run r = run("retry", "plan-7");
        assertThat(r.code()).isEqualTo(FleetLocal.REFUSED);
        assertThat(r.err()).contains("HTTP 409: plan-7 has no failed execution");
        assertThat(r.out()).isEmpty();

        answers.put("/api/v1/ops/dead-letters/redrive", new Object[] {
            400,
            "{\"status\":400,\"message\":\"invalid request\","
                    + "\"errors\":[{\"field\":\"topic\",\"message\":\"must be a DLQ topic\"}]}"
        });
        Run invalid = run("redrive", "nodes", "all");
        assertThat(invalid.code()).isEqualTo(FleetLocal.REFUSED);
        assertThat(invalid.err()).contains("HTTP 400: invalid request; topic: must be a DLQ topic");

        answers.put("/api/v1/ops/dead-letters/summary", new Object[] {500, "proxy error"});
        Run plain = run("dead-letters");
        assertThat(plain.code()).isEqualTo(FleetLocal.REFUSED);
        assertThat(plain.err()).contains("HTTP 500: proxy error");
    }

    @Test
    void aStackThatIsNotUpExitsWithThree() {
        Run noToken = run("executions");
        assertThat(noToken.code()).isEqualTo(FleetLocal.UNREACHABLE);
        assertThat(noToken.err()).contains("no admin token in " + stack.adminToken());

        token();
        Run nobody = runAgainst("http://127.0.0.1:" + Launch.freePort(), "dead-letters");
        assertThat(nobody.code()).isEqualTo(FleetLocal.UNREACHABLE);
        assertThat(nobody.err()).contains("inventory-service does not answer");

        Run status = runAgainst("http://127.0.0.1:" + Launch.freePort(), "status");
        assertThat(status.code()).isEqualTo(FleetLocal.UNREACHABLE);
        assertThat(status.out()).contains("kafka       not running", "inventory   not running");
    }

    @Test
    void operatorActionsSendTheirBodies() {
        token();
        answers.put(
                "/api/v1/executions/plan-7/cancel", new Object[] {200, "{\"planId\":\"plan-7\",\"state\":\"FAILED\"}"});
        answers.put("/api/v1/ops/dead-letters/redrive", new Object[] {200, "{\"redriven\":2}"});
        answers.put("/api/v1/ops/dead-letters", new Object[] {200, "{\"topic\":\"fleet.nodes.dlq\",\"records\":[]}"});

        assertThat(run("cancel", "plan-7", "maintenance", "\"window\"").code()).isZero();
        assertThat(FleetApi.parse(requests.get(0)[2]).path("reason").asText()).isEqualTo("maintenance \"window\"");
        assertThat(requests.get(0)[4]).isEqualTo("application/json");

        assertThat(run("cancel", "plan-7").code()).isZero();
        assertThat(requests.get(1)[2]).isEmpty();

        assertThat(run("redrive", "fleet.registrations.dlq", "0:12", "2:7").code())
                .isZero();
        assertThat(FleetApi.parse(requests.get(2)[2]))
                .isEqualTo(
                        FleetApi.parse(
                                "{\"topic\":\"fleet.registrations.dlq\",\"records\":[{\"partition\":0,\"offset\":12},{\"partition\":2,\"offset\":7}]}"));

        assertThat(run("redrive", "fleet.registrations.dlq", "all").code()).isZero();
        assertThat(FleetApi.parse(requests.get(3)[2]))
                .isEqualTo(FleetApi.parse("{\"topic\":\"fleet.registrations.dlq\",\"all\":true}"));

        assertThat(run("dead-letters", "fleet.nodes.dlq", "--from", "5", "--limit", "20")
                        .code())
                .isZero();
        assertThat(requests.get(4)[1]).isEqualTo("/api/v1/ops/dead-letters?topic=fleet.nodes.dlq&from=5&limit=20");
    }

    @Test
    void approvalCommandsCallThePlannerWithTheirSelectorsAndReasons() {
        token();
        answers.put("/api/v1/plans", new Object[] {
            200, "{\"count\":1,\"plans\":[{\"planId\":\"p-1\",\"state\":\"AWAITING_APPROVAL\",\"route\":\"ARC_K8S\"}]}"
        });
        answers.put("/api/v1/plans/p-1/approve", new Object[] {200, "{\"planId\":\"p-1\",\"state\":\"PUBLISHED\"}"});
        answers.put("/api/v1/plans/p-1/reject", new Object[] {200, "{\"planId\":\"p-1\",\"state\":\"REJECTED\"}"});
        answers.put("/api/v1/plans/approve", new Object[] {200, "{\"approved\":2,\"planIds\":[\"p-1\",\"p-2\"]}"});

        Run list = run("plans", "--state", "AWAITING_APPROVAL", "--site", "lyon", "--route", "ARC_K8S", "-o", "table");
        assertThat(list.code()).isZero();
        assertThat(requests.get(0)[1]).isEqualTo("/api/v1/plans?state=AWAITING_APPROVAL&site=lyon&route=ARC_K8S");
        assertThat(list.out()).contains("p-1", "AWAITING_APPROVAL");

        assertThat(run("approve", "p-1").code()).isZero();
        assertThat(requests.get(1)[0]).isEqualTo("POST");
        assertThat(requests.get(1)[1]).isEqualTo("/api/v1/plans/p-1/approve");

        Run many = run(
                "approve",
                "--site",
                "lyon",
                "--route",
                "ARC_K8S",
                "--label",
                "ring=canary",
                "--cluster",
                "c1",
                "--cluster",
                "c2");
        assertThat(many.code()).isZero();
        assertThat(many.out()).contains("\"approved\" : 2");
        assertThat(FleetApi.parse(requests.get(2)[2]))
                .isEqualTo(
                        FleetApi.parse(
                                "{\"site\":\"lyon\",\"route\":\"ARC_K8S\",\"labels\":{\"ring\":\"canary\"},\"clusterIds\":[\"c1\",\"c2\"]}"));

        assertThat(run("reject", "p-1", "change", "freeze").code()).isZero();
        assertThat(requests.get(3)[1]).isEqualTo("/api/v1/plans/p-1/reject");
        assertThat(FleetApi.parse(requests.get(3)[2]).path("reason").asText()).isEqualTo("change freeze");

        for (String[] wrong : List.of(
                new String[] {"approve"},
                new String[] {"approve", "p-1", "--site", "lyon"},
                new String[] {"reject", "p-1"},
                new String[] {"reject"})) {
            Run r = run(wrong);
            assertThat(r.code()).as(String.join(" ", wrong)).isEqualTo(FleetLocal.USAGE);
            assertThat(r.err()).as(String.join(" ", wrong)).isNotBlank();
        }
        assertThat(requests).hasSize(4);
    }

    @Test
    void rolloutCommandsCallThePlanner() throws IOException {
        token();
        String id = "ro-00000000-0000-0000-0000-000000000001";
        answers.put(
                "/api/v1/rollouts",
                new Object[] {200, "{\"count\":1,\"rollouts\":[{\"rolloutId\":\"" + id + "\",\"state\":\"ACTIVE\"}]}"});
        answers.put(
                "/api/v1/rollouts/" + id, new Object[] {200, "{\"rolloutId\":\"" + id + "\",\"state\":\"SUSPENDED\"}"});
        answers.put("/api/v1/rollouts/" + id + "/resume", new Object[] {200, "{\"state\":\"ACTIVE\"}"});
        answers.put("/api/v1/rollouts/" + id + "/abort", new Object[] {200, "{\"state\":\"ABORTED\"}"});
        Path file = Files.writeString(
                home.resolve("rollout.json"), "{\"selector\":{\"site\":\"lyon\"}," + "\"batches\":[{\"count\":10}]}");

        assertThat(run("rollouts").code()).isZero();
        assertThat(requests.get(0)).containsSubsequence("GET", "/api/v1/rollouts");
        assertThat(run("rollouts", "create", file.toString()).code()).isZero();
        assertThat(requests.get(1)[0]).isEqualTo("POST");
        assertThat(FleetApi.parse(requests.get(1)[2])).isEqualTo(FleetApi.parse(Files.readString(file)));
        Run show = run("rollouts", "show", id);
        assertThat(show.code()).isZero();
        assertThat(show.out()).contains("SUSPENDED");
        assertThat(run("rollouts", "resume", id).code()).isZero();
        assertThat(requests.get(3)).containsSubsequence("POST", "/api/v1/rollouts/" + id + "/resume");
        assertThat(run("rollouts", "abort", id).code()).isZero();
        assertThat(requests.get(4)).containsSubsequence("POST", "/api/v1/rollouts/" + id + "/abort");

        Path notJson = Files.writeString(home.resolve("bad.json"), "selector: lyon");
        for (String[] wrong : List.of(
                new String[] {"rollouts", "resume"},
                new String[] {"rollouts", "pause", id},
                new String[] {"rollouts", "create", home.resolve("none.json").toString()},
                new String[] {"rollouts", "create", notJson.toString()})) {
            Run r = run(wrong);
            assertThat(r.code()).as(String.join(" ", wrong)).isEqualTo(FleetLocal.USAGE);
            assertThat(r.err()).as(String.join(" ", wrong)).isNotBlank();
        }
        assertThat(requests).hasSize(5);
    }

    @Test
    void retireAndOffboardCallTheInventoryWithTheNodeOrSelectorAndTheCluster() {
        token();
        answers.put("/api/v1/nodes/c1/n-1/retire", new Object[] {200, "{\"retired\":1,\"nodeIds\":[\"c1/n-1\"]}"});
        answers.put("/api/v1/nodes/retire", new Object[] {200, "{\"retired\":2,\"nodeIds\":[\"a\",\"b\"]}"});
        answers.put("/api/v1/clusters/c1", new Object[] {
            200, "{\"clusterId\":\"c1\",\"watched\":true,\"retired\":3,\"nodeIds\":[\"c1/a\",\"c1/b\",\"c1/c\"]}"
        });

        assertThat(run("retire", "c1/n-1").code()).isZero();
        assertThat(requests.get(0)).containsSubsequence("POST", "/api/v1/nodes/c1/n-1/retire");

        Run many = run("retire", "--site", "lyon", "--label", "ring=canary", "--cluster", "c1", "-o", "table");
        assertThat(many.code()).isZero();
        assertThat(many.out()).contains("retired", "2");
        assertThat(FleetApi.parse(requests.get(1)[2]))
                .isEqualTo(
                        FleetApi.parse("{\"site\":\"lyon\",\"labels\":{\"ring\":\"canary\"},\"clusterIds\":[\"c1\"]}"));

        Run offboard = run("offboard", "c1");
        assertThat(offboard.code()).isZero();
        assertThat(requests.get(2)).containsSubsequence("DELETE", "/api/v1/clusters/c1?offboard=true");
        assertThat(FleetApi.parse(offboard.out()).path("retired").asInt()).isEqualTo(3);

        assertThat(run("offboard", "c2").code()).isEqualTo(FleetLocal.REFUSED);
        for (String[] wrong : List.of(
                new String[] {"retire"},
                new String[] {"retire", "n-1", "--site", "lyon"},
                new String[] {"retire", "n-1", "--stale"},
                new String[] {"offboard"})) {
            Run r = run(wrong);
            assertThat(r.code()).as(String.join(" ", wrong)).isEqualTo(FleetLocal.USAGE);
            assertThat(r.err()).as(String.join(" ", wrong)).isNotBlank();
        }
        assertThat(requests).hasSize(4);
    }

    @Test
    void staleListsTheInventorysStaleNodesAndRetireStaleRetiresThem() {
        token();
        answers.put("/api/v1/nodes/stale", new Object[] {
            200,
            "{\"enabled\":true,\"staleAfter\":\"PT168H\","
                    + "\"page\":1,\"size\":20,\"total\":21,\"items\":[{\"nodeId\":\"c1/n-9\",\"site\":\"lyon\","
                    + "\"clusterId\":\"c1\",\"lastSeenAt\":\"2026-11-01T00:00:00Z\",\"state\":\"SUCCEEDED\"}]}"
        });
        answers.put("/api/v1/nodes/retire", new Object[] {200, "{\"retired\":1,\"nodeIds\":[\"c1/n-9\"]}"});

        Run listed = run("stale", "--page", "1", "--size", "20");
        assertThat(listed.code()).isZero();
        assertThat(requests.get(0)).containsSubsequence("GET", "/api/v1/nodes/stale?page=1&size=20");
        assertThat(FleetApi.parse(listed.out())
                        .path("items")
                        .get(0)
                        .path("nodeId")
                        .asText())
                .isEqualTo("c1/n-9");

        Run retired = run("retire", "--stale");
        assertThat(retired.code()).isZero();
        assertThat(requests.get(1)).containsSubsequence("POST", "/api/v1/nodes/retire");
        assertThat(FleetApi.parse(requests.get(1)[2])).isEqualTo(FleetApi.parse("{\"stale\":true}"));
        assertThat(FleetApi.parse(retired.out()).path("retired").asInt()).isEqualTo(1);
        assertThat(requests).hasSize(2);
    }

    @Test
    void plansFilterByAction() {
        token();
        answers.put("/api/v1/plans", new Object[] {
            200, "{\"count\":1,\"plans\":[{\"planId\":\"p-9\",\"state\":\"WAITING\",\"action\":\"OFFBOARD\"}]}"
        });
        Run list = run("plans", "--action", "OFFBOARD", "--route", "ARC_K8S");
        assertThat(list.code()).isZero();
        assertThat(requests.get(0)[1]).isEqualTo("/api/v1/plans?route=ARC_K8S&action=OFFBOARD");
        assertThat(FleetApi.parse(list.out())
                        .path("plans")
                        .get(0)
                        .path("action")
                        .asText())
                .isEqualTo("OFFBOARD");
    }

    @Test
    void importSendsTheFileWithItsType() throws IOException {
        token();
        answers.put("/api/v1/imports", new Object[] {202, "{\"accepted\":2,\"rejected\":0}"});
        Path csv = Files.writeString(home.resolve("nodes.csv"), "deviceId,site\na,lyon\nb,lyon\n");
        Run r = run("import", csv.toString(), "-o", "table");
        assertThat(r.code()).isZero();
        assertThat(r.out().lines().toList()).containsExactly("accepted  2", "rejected  0");
        assertThat(requests.get(0)).containsSubsequence("POST", "/api/v1/imports", "deviceId,site\na,lyon\nb,lyon\n");
        assertThat(requests.get(0)[4]).isEqualTo("text/csv");
    }

    @Test
    void statusCountsTheFleetByRouteAndState() {
        answers.put("/api/v1/nodes", new Object[] {
            200,
            "{\"items\":["
                    + "{\"deviceId\":\"a\",\"onboarding\":{\"route\":\"ARC_K8S\",\"state\":\"SUCCEEDED\"}},"
                    + "{\"deviceId\":\"b\",\"onboarding\":{\"route\":\"ARC_K8S\",\"state\":\"SUCCEEDED\"}},"
                    + "{\"deviceId\":\"c\",\"onboarding\":{\"route\":\"DIRECT_AGENT\",\"state\":\"PLANNED\"}},"
                    + "{\"deviceId\":\"d\"}]}"
        });
        Run table = run("status");
        assertThat(table.code()).isZero();
        assertThat(table.out()).contains("kafka       not running");
        assertThat(table.out()
                        .lines()
                        .filter(l -> l.startsWith("ARC_K8S")
                                || l.startsWith("DIRECT_AGENT")
                                || l.startsWith("UNDECIDED")
                                || l.startsWith("all"))
                        .map(l -> l.replaceAll("\\s+", " "))
                        .toList())
                .containsExactly("ARC_K8S . . 2 2", "DIRECT_AGENT . 1 . 1", "UNDECIDED 1 . . 1", "all 4");

        Run json = run("status", "--output", "json");
        assertThat(json.code()).isZero();
        JsonNode fleet = FleetApi.parse(json.out()).path("fleet");
        assertThat(fleet.path("ARC_K8S").path("SUCCEEDED").asInt()).isEqualTo(2);
        assertThat(fleet.path("UNDECIDED").path("PENDING").asInt()).isEqualTo(1);
        assertThat(FleetApi.parse(json.out()).path("processes").has("kafka")).isTrue();
    }

    @Test
    void handoffWritesTheSitesKit() throws IOException {
        token();
        answers.put("/api/v1/handoffs", new Object[] {
            201,
            "{\"kitId\":\"kit-1\",\"site\":\"lyon\",\"nodes\":2,\"script\":\"#!/bin/sh\\necho hi\\n\",\"inventory\":\"host\\nh1\\n\"}"
        });
        Run r = run("handoff", "lyon");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("kit kit-1 for site lyon, 2 nodes");
        assertThat(Files.readString(stack.state().resolve("handoffs/onboard-lyon.sh")))
                .isEqualTo("#!/bin/sh\necho hi\n");
        assertThat(Files.readString(stack.state().resolve("handoffs/inventory-lyon.csv")))
                .isEqualTo("host\nh1\n");
        assertThat(FleetApi.parse(requests.get(0)[2]).path("site").asText()).isEqualTo("lyon");
    }
}
