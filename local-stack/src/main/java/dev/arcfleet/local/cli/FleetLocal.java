package dev.arcfleet.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arcfleet.local.stack.LocalStack;
import dev.arcfleet.local.stack.StackException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code bin/fleet-local}: the local stack ({@link LocalStack}) and the operator commands on its REST APIs. Exit codes:
 * 0 done, 1 refused by the API (its message on stderr) or the stack failed to start, 2 a usage error, 3 the stack
 * cannot be reached.
 */
@Command(
        name = "fleet-local",
        mixinStandardHelpOptions = true,
        version = "fleet-local 0.1.0",
        description = "Runs the Arc Fleet Onboarding pipeline on this machine and operates it.",
        subcommands = {
            FleetLocal.Up.class,
            FleetLocal.Demo.class,
            FleetLocal.Status.class,
            FleetLocal.Import.class,
            FleetLocal.Handoff.class,
            FleetLocal.Plans.class,
            FleetLocal.Approve.class,
            FleetLocal.Reject.class,
            FleetLocal.Rollouts.class,
            FleetLocal.Stale.class,
            FleetLocal.Retire.class,
            FleetLocal.Offboard.class,
            FleetLocal.Executions.class,
            FleetLocal.Cancel.class,
            FleetLocal.Retry.class,
            FleetLocal.DeadLetters.class,
            FleetLocal.Redrive.class,
            FleetLocal.Replay.class,
            FleetLocal.Tokens.class,
            FleetLocal.Down.class,
            CommandLine.HelpCommand.class
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:done",
            "1:refused by the API (its message on stderr), or the stack failed to start",
            "2:usage error",
            "3:the stack cannot be reached"
        })
public final class FleetLocal implements Callable<Integer> {
    public static final int OK = 0;
    public static final int REFUSED = 1;
    public static final int USAGE = 2;
    public static final int UNREACHABLE = 3;

    final LocalStack stack;
    /** A service's base URL by its short name. */
    final UnaryOperator<String> urls;

    final Map<String, String> env;

    @Spec
    CommandSpec spec;

    public FleetLocal(LocalStack stack, UnaryOperator<String> urls, Map<String, String> env) {
        this.stack = stack;
        this.urls = urls;
        this.env = env;
    }

    public static void main(String[] args) {
        Path root =
                Path.of(System.getProperty("fleet.root", ".")).toAbsolutePath().normalize();
        LocalStack stack = new LocalStack(root, System.getenv());
        System.exit(commandLine(new FleetLocal(stack, LocalStack::baseUrl, System.getenv()))
                .execute(args));
    }

    /** The command line with this project's exit codes for refusals, stack failures and an unreachable stack. */
    public static CommandLine commandLine(FleetLocal app) {
        CommandLine cli = new CommandLine(app);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((e, line, parsed) -> {
            line.getErr().println("fleet-local: " + e.getMessage());
            if (e instanceof UnreachableException) {
                return UNREACHABLE;
            }
            if (e instanceof CommandLine.ParameterException) {
                return USAGE;
            }
            return REFUSED;
        });
        return cli;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return USAGE;
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    void say(String line) {
        out().println(line);
        out().flush();
    }

    /** The API of {@code service} as the local admin; unreachable (exit 3) when {@code up} has not written the token. */
    FleetApi api(String service) {
        Path token = stack.adminToken();
        if (!Files.isRegularFile(token)) {
            throw new UnreachableException("no admin token in " + token + ": bin/fleet-local up writes it");
        }
        return new FleetApi(service, urls.apply(service), LocalStack.readToken(token));
    }

    /** {@code --output json|table}; each command names its default. */
    static final class OutputOption {
        @Option(
                names = {"-o", "--output"},
                paramLabel = "json|table",
                description = "json (the answer as the API gives it) or table (in columns); status and demo default to"
                        + " table, the API's answers to json.")
        Render.Output output;

        Render.Output or(Render.Output fallback) {
            return output == null ? fallback : output;
        }
    }

    /** The selector of approve and retire: every option given must match ({@code --route} is approve's own). */
    static final class SelectorOptions {
        @Option(names = "--site", paramLabel = "SITE")
        String site;

        @Option(
                names = "--label",
                paramLabel = "KEY=VALUE",
                description = "a label the node (for a plan: one of its nodes) has (repeatable)")
        Map<String, String> labels;

        @Option(
                names = "--cluster",
                paramLabel = "CLUSTER-ID",
                description = "the node's or plan's cluster (repeatable)")
        List<String> clusters;

        boolean given() {
            return site != null || labels != null || clusters != null;
        }

        /** The selector as the APIs take it: {@code site}, {@code route} (when not null), {@code labels}, {@code clusterIds}. */
        ObjectNode json(String route) {
            ObjectNode body = FleetApi.JSON.createObjectNode();
            if (site != null) {
                body.put("site", site);
            }
            if (route != null) {
                body.put("route", route);
            }
            if (labels != null) {
                ObjectNode l = body.putObject("labels");
                labels.forEach(l::put);
            }
            if (clusters != null) {
                ArrayNode c = body.putArray("clusterIds");
                clusters.forEach(c::add);
            }
            return body;
        }
    }

    abstract static class Sub implements Callable<Integer> {
        @ParentCommand
        FleetLocal app;

        @Spec
        CommandSpec spec;

        CommandLine.ParameterException usage(String message) {
            return new CommandLine.ParameterException(spec.commandLine(), message);
        }

        void print(JsonNode answer, OutputOption option, Render.Output fallback) {
            app.say(Render.render(answer, option.or(fallback)));
        }
    }

    @Command(
            name = "up",
            mixinStandardHelpOptions = true,
            description = "Starts what is not running: Kafka (SASL/SCRAM), PostgreSQL (or FLEET_DB_URL's), the topics,"
                    + " the databases, the local tokens and the three services; returns once every one is ready.")
    static final class Up extends Sub {
        @Override
        public Integer call() {
            app.stack.up(app::say);
            app.say("");
            app.say("Pipeline up. Dashboard:        " + app.urls.apply("inventory") + "/");
            app.say("Admin token:                  " + app.stack.adminToken() + " (writes need it; curl reads it as a"
                    + " header file: -H @" + app.stack.adminHeader() + ")");
            app.say("Register nodes:               curl -XPOST -H 'Content-Type: application/json' -H @"
                    + app.stack.adminHeader() + " --data @nodes.json " + app.urls.apply("inventory")
                    + "/api/v1/registrations");
            app.say("Fleet summary:                " + app.urls.apply("inventory") + "/api/v1/fleet/summary");
            app.say("Stop everything:              bin/fleet-local down");
            return OK;
        }
    }

    @Command(
            name = "demo",
            mixinStandardHelpOptions = true,
            description =
                    "up, then registers a fleet (the bundled sample) and follows every node to a terminal state,"
                            + " makes the hand-off kit of each site with DIRECT_AGENT nodes, and prints the nodes by route and state.")
    static final class Demo extends Sub {
        @Option(
                names = "--fleet",
                paramLabel = "FILE",
                description = "a JSON array of registrations (default: the bundled sample)")
        Path fleet;

        @Option(
                names = "--timeout",
                paramLabel = "SECONDS",
                description = "how long to follow the nodes (default: FLEET_DEMO_TIMEOUT, else 300)")
        Long timeout;

        @Option(names = "--no-up", description = "use the running stack, do not start it")
        boolean noUp;

        @Mixin
        OutputOption output;

        @Override
        public Integer call() throws Exception {
            String fromEnv = app.env.getOrDefault("FLEET_DEMO_TIMEOUT", "");
            Duration limit = Duration.ofSeconds(
                    timeout != null ? timeout : fromEnv.matches("[0-9]+") ? Long.parseLong(fromEnv) : 300);
            if (!noUp) {
                app.stack.up(app::say);
                app.say("");
            }
            JsonNode nodes = readFleet();
            app.say("registering " + (fleet == null ? "the sample fleet (bundled fleet/sample-fleet.json)" : fleet)
                    + " ...");
            Set<String> ids = new HashSet<>();
            nodes.forEach(n -> ids.add(n.path("deviceId").asText()));
            FleetApi inventory = app.api("inventory");
            JsonNode result = inventory.post("/api/v1/registrations", nodes);
            app.say(String.format(
                    "registered %d nodes: %d accepted, %d unchanged, %d rejected",
                    ids.size(),
                    result.path("accepted").asInt(),
                    result.path("unchanged").asInt(),
                    result.path("rejected").asInt()));
            result.path("items").forEach(i -> {
                if ("REJECTED".equalsIgnoreCase(i.path("outcome").asText()) || i.has("errors")) {
                    app.err().println("  rejected " + i);
                }
            });
            FleetTable table = follow(inventory, ids, limit, false);
            if (handOffAll(app.api("planner")) > 0) {
                app.say("following the handed-off nodes ...");
                table = follow(inventory, ids, limit, true);
            }
            if (output.or(Render.Output.table) == Render.Output.json) {
                app.say(Render.json(table.json()));
            } else {
                app.say("");
                app.say("Every node reached a terminal state. Nodes by route and state:");
                app.say(table.table());
                app.say("");
                app.say("Dashboard: " + app.urls.apply("inventory") + "/   (metrics: /q/metrics on 8081, 8082, 8083)");
            }
            return OK;
        }

        JsonNode readFleet() throws IOException {
            if (fleet != null) {
                if (!Files.isReadable(fleet)) {
                    throw usage("--fleet " + fleet + " is not a readable file");
                }
                return FleetApi.JSON.readTree(fleet.toFile());
            }
            try (InputStream in = FleetLocal.class.getClassLoader().getResourceAsStream("fleet/sample-fleet.json")) {
                return FleetApi.JSON.readTree(in);
            }
        }

        /**
         * Polls the nodes once a second, printing progress when it changes, until every one is in a terminal state
         * (with {@code handedOff}, DIRECT_AGENT nodes only once HANDED_OFF); an IllegalStateException after the limit.
         */
        FleetTable follow(FleetApi inventory, Set<String> ids, Duration limit, boolean handedOff) throws Exception {
            Instant deadline = Instant.now().plus(limit);
            ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
            CompletableFuture<FleetTable> done = new CompletableFuture<>();
            String[] last = {""};
            ticker.scheduleWithFixedDelay(
                    () -> {
                        try {
                            FleetTable table = new FleetTable();
                            Map<String, Integer> byState = new java.util.TreeMap<>();
                            int terminal = 0;
                            for (JsonNode n : nodes(inventory, ids)) {
                                table.count(n);
                                byState.merge(FleetTable.state(n), 1, Integer::sum);
                                String route = FleetTable.route(n);
                                String state = FleetTable.state(n);
                                if (handedOff && route.equals("DIRECT_AGENT")
                                        ? state.equals("HANDED_OFF")
                                        : terminal(route, state)) {
                                    terminal++;
                                }
                            }
                            String line = String.format(
                                    "  %3d/%d nodes in a terminal state  %s", terminal, ids.size(), byState);
                            if (!line.equals(last[0])) {
                                app.say(line);
                                last[0] = line;
                            }
                            if (table.total() == ids.size() && terminal == ids.size()) {
                                done.complete(table);
                            } else if (Instant.now().isAfter(deadline)) {
                                done.completeExceptionally(
                                        new IllegalStateException("demo did not finish: " + (ids.size() - terminal)
                                                + " nodes not in a terminal state after " + limit.toSeconds() + " s"));
                            }
                        } catch (RuntimeException e) {
                            // an exception left in a scheduled task would end the schedule and leave the demo waiting
                            // forever
                            done.completeExceptionally(e);
                        }
                    },
                    0,
                    1,
                    TimeUnit.SECONDS);
            try {
                return done.get();
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            } finally {
                ticker.shutdownNow();
            }
        }

        static boolean terminal(String route, String state) {
            return state.equals("SUCCEEDED")
                    || state.equals("FAILED")
                    || state.equals("BLOCKED")
                    || state.equals("HANDED_OFF")
                    || (route.equals("DIRECT_AGENT") && state.equals("PLANNED"));
        }

        /** The given nodes, each read by id: the registry may hold many others, and progress must not depend on them. */
        static List<JsonNode> nodes(FleetApi inventory, Set<String> ids) {
            List<JsonNode> found = new ArrayList<>(ids.size());
            for (String id : ids) {
                FleetApi.Answer a = inventory.call("GET", "/api/v1/nodes/" + pathOf(id), null, null);
                if (a.status() == 200) {
                    found.add(a.body());
                } else if (a.status() != 404) {
                    FleetApi.expect(a);
                }
            }
            return found;
        }

        /** Makes the kit of every site with DIRECT_AGENT nodes awaiting one; how many it made. */
        int handOffAll(FleetApi planner) {
            int kits = 0;
            for (Iterator<String> sites =
                            planner.get("/api/v1/handoffs").path("awaiting").fieldNames();
                    sites.hasNext(); ) {
                JsonNode kit = makeKit(planner, sites.next());
                app.say(String.format(
                        "hand-off kit %s for site %s: %d DIRECT_AGENT nodes (its script: GET %s/api/v1/handoffs/%s/script)",
                        kit.path("kitId").asText(),
                        kit.path("site").asText(),
                        kit.path("nodes").asInt(),
                        planner.baseUrl(),
                        kit.path("kitId").asText()));
                kits++;
            }
            return kits;
        }
    }

    static JsonNode makeKit(FleetApi planner, String site) {
        ObjectNode body = FleetApi.JSON.createObjectNode().put("site", site);
        return planner.post("/api/v1/handoffs", body);
    }

    static String pathOf(String id) {
        List<String> parts = new ArrayList<>();
        for (String p : id.split("/", -1)) {
            parts.add(URLEncoder.encode(p, StandardCharsets.UTF_8));
        }
        return String.join("/", parts);
    }

    static String query(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @Command(
            name = "status",
            mixinStandardHelpOptions = true,
            description = "The stack's processes, and the whole fleet by route and state.")
    static final class Status extends Sub {
        static final int PAGE = 500;

        @Mixin
        OutputOption output;

        @Override
        public Integer call() {
            Map<String, OptionalLong> processes = app.stack.processes();
            FleetApi inventory = new FleetApi("inventory", app.urls.apply("inventory"), null);
            FleetTable table = new FleetTable();
            UnreachableException unreachable = null;
            try {
                for (int page = 0; ; page++) {
                    JsonNode body = inventory.get("/api/v1/nodes?size=" + PAGE + "&page=" + page);
                    body.path("items").forEach(table::count);
                    if (body.path("items").size() < PAGE) {
                        break;
                    }
                }
            } catch (UnreachableException e) {
                unreachable = e;
            }
            if (output.or(Render.Output.table) == Render.Output.json) {
                ObjectNode all = FleetApi.JSON.createObjectNode();
                ObjectNode pids = all.putObject("processes");
                processes.forEach((name, pid) -> {
                    if (pid.isPresent()) {
                        pids.put(name, pid.getAsLong());
                    } else {
                        pids.putNull(name);
                    }
                });
                all.set("fleet", unreachable == null ? table.json() : FleetApi.JSON.nullNode());
                app.say(Render.json(all));
            } else {
                processes.forEach((name, pid) -> app.say(String.format(
                        "%-11s %s", name, pid.isPresent() ? "running (pid " + pid.getAsLong() + ")" : "not running")));
                app.say("");
                if (unreachable == null) {
                    app.say(table.table());
                }
            }
            if (unreachable != null) {
                throw unreachable;
            }
            return OK;
        }
    }

    @Command(
            name = "import",
            mixinStandardHelpOptions = true,
            description = "Bulk-imports registrations from a JSON Lines (.jsonl, .ndjson) or CSV (.csv) file.")
    static final class Import extends Sub {
        @Parameters(paramLabel = "FILE", description = "a readable .jsonl, .ndjson or .csv file")
        Path file;

        @Mixin
        OutputOption output;

        @Override
        public Integer call() throws IOException {
            if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                throw usage("usage: bin/fleet-local import FILE.jsonl|FILE.csv (a readable file): " + file);
            }
            String type = file.getFileName().toString().endsWith(".csv") ? "text/csv" : "application/x-ndjson";
            FleetApi.Answer answer = app.api("inventory").call("POST", "/api/v1/imports", Files.readString(file), type);
            print(FleetApi.expect(answer), output, Render.Output.json);
            return OK;
        }
    }

    @Command(
            name = "handoff",
            mixinStandardHelpOptions = true,
            description = "Without SITE: the DIRECT_AGENT nodes awaiting a hand-off kit, by site, and the kits made."
                    + " With SITE: makes that site's kit and writes its script and inventory under .local/handoffs.")
    static final class Handoff extends Sub {
        @Parameters(paramLabel = "SITE", arity = "0..1")
        String site;

        @Mixin
        OutputOption output;

        @Override
        public Integer call() throws IOException {
            FleetApi planner = app.api("planner");
            if (site == null) {
                print(planner.get("/api/v1/handoffs"), output, Render.Output.json);
                return OK;
            }
            JsonNode kit = makeKit(planner, site);
            Path dir = app.stack.state().resolve("handoffs");
            Files.createDirectories(dir);
            Path script = dir.resolve("onboard-" + site + ".sh");
            Path inventory = dir.resolve("inventory-" + site + ".csv");
            Files.writeString(script, kit.path("script").asText());
            Files.writeString(inventory, kit.path("inventory").asText());
            if (output.or(Render.Output.table) == Render.Output.json) {
                ObjectNode summary = FleetApi.JSON
                        .createObjectNode()
                        .put("kitId", kit.path("kitId").asText())
                        .put("site", site)
                        .put("nodes", kit.path("nodes").asInt())
                        .put("script", script.toString())
                        .put("inventory", inventory.toString());
                app.say(Render.json(summary));
            } else {
                app.say(String.format(
                        "kit %s for site %s, %d nodes: %s, %s",
                        kit.path("kitId").asText(), site, kit.path("nodes").asInt(), script, inventory));
                app.say("Run the script as root on each listed host with ARC_SP_SECRET_FILE naming a file that holds"
                        + " the onboarding service principal's secret.");
            }
            return OK;
        }
    }

    @Command(
            name = "plans",
            mixinStandardHelpOptions = true,
            description = "The planner's plans, newest first: --state AWAITING_APPROVAL lists those awaiting approval.")
    static final class Plans extends Sub {
        @Option(
                names = "--state",
                paramLabel = "STATE",
                description = "WAITING, PUBLISHED, SUPERSEDED, AWAITING_HANDOFF, AWAITING_APPROVAL, AWAITING_ROLLOUT or"
                        + " REJECTED")
        String state;

        @Option(names = "--site", paramLabel = "SITE")
        String site;

        @Option(
                names = "--route",
                paramLabel = "ROUTE",
                description = "ARC_K8S, COMPANION_VM, IOT_OPERATIONS or DIRECT_AGENT")
        String route;

        @Option(names = "--action", paramLabel = "ACTION", description = "ONBOARD or OFFBOARD (the current revision's)")
        String action;

        @Mixin
        OutputOption output;

        @Override
        public Integer call() {
            StringBuilder path = new StringBuilder("/api/v1/plans");
            String sep = "?";
            for (String[] p : new String[][] {{"state", state}, {"site", site}, {"route", route}, {"action", action}}) {
                if (p[1] != null) {
                    path.append(sep).append(p[0]).append('=').append(query(p[1]));
                    sep = "&";
                }
            }
            print(app.api("planner").get(path.toString()), output, Render.Output.json);
            return OK;
        }
    }

    @Command(
            name = "approve",
            mixinStandardHelpOptions = true,
            description = "Approves one plan's current revision (PLAN-ID), or every plan awaiting approval that a"
                    + " selector selects (--site, --route, --label, --cluster; all given must match): the planner"
                    + " publishes it to its executor. Recorded with the admin token's identity.")
    static final class Approve extends Sub {
        @Parameters(paramLabel = "PLAN-ID", arity = "0..1")
        String planId;

        @Mixin
        SelectorOptions selectorOptions;

        @Option(names = "--route", paramLabel = "ROUTE")
        String route;

        @Mixin
        OutputOption output;

        @Override
        public Integer call() {
            boolean selector = selectorOptions.given() || route != null;
            if (planId != null && selector) {
                throw usage("give a PLAN-ID or a selector (--site, --route, --label, --cluster), not both");
            }
            if (planId == null && !selector) {
                throw usage("give a PLAN-ID or a selector (--site, --route, --label, --cluster)");
            }
            FleetApi planner = app.api("planner");
            if (planId != null) {
                print(planner.post("/api/v1/plans/" + query(planId) + "/approve", null), output, Render.Output.json);
                return OK;
            }
            print(planner.post("/api/v1/plans/approve", selectorOptions.json(route)), output, Render.Output.json);
            return OK;
        }
    }

    @Command(
            name = "reject",
            mixinStandardHelpOptions = true,
            description = "Rejects one plan's current revision, with the reason: it is not published until approved"
                    + " again.")
    static final class Reject extends Sub {
        @Parameters(index = "0", paramLabel = "PLAN-ID")
        String planId;

        @Parameters(index = "1..*", paramLabel = "REASON", arity = "1..*", description = "why (words are joined)")
        List<String> reason = new ArrayList<>();

        @Mixin
        OutputOption output;

        @Override
        public Integer call() {
            JsonNode body = FleetApi.JSON.createObjectNode().put("reason", String.join(" ", reason));
            print(
                    app.api("planner").post("/api/v1/plans/" + query(planId) + "/reject", body),
                    output,
                    Render.Output.json);
            return OK;
        }
    }

    @Command(
            name = "rollouts",
            mixinStandardHelpOptions = true,
            description = "Rollouts of approved plans in batches: list (default), show ROLLOUT-ID, create FILE (a JSON"
                    + " rollout: selector, batches, successThreshold, soakSeconds, progressDeadlineSeconds,"
                    + " maxConcurrent), resume ROLLOUT-ID (a SUSPENDED one), abort ROLLOUT-ID. Resume and abort are"
                    + " recorded with the admin token's identity.")
    static final class Rollouts extends Sub {
        @Parameters(
                index = "0",
                paramLabel = "ACTION",
                arity = "0..1",
                defaultValue = "list",
                description = "list, show, create, resume or abort")
        String action;

        @Parameters(index = "1", paramLabel = "ROLLOUT-ID|FILE", arity = "0..1")
        String argument;

        @Mixin
        OutputOption output;

        @Override
        public Integer call() throws IOException {
            FleetApi planner = app.api("planner");
            switch (action) {
                case "list" -> {
                    if (argument != null) {
                        throw usage("rollouts list takes no argument");
                    }
                    print(planner.get("/api/v1/rollouts"), output, Render.Output.json);
                }
                case "show", "resume", "abort" -> {
                    if (argument == null) {
                        throw usage("rollouts " + action + " needs a ROLLOUT-ID");
                    }
                    String path = "/api/v1/rollouts/" + query(argument);
                    print(
                            action.equals("show") ? planner.get(path) : planner.post(path + "/" + action, null),
                            output,
                            Render.Output.json);
                }
                case "create" -> {
                    if (argument == null || !Files.isReadable(Path.of(argument))) {
                        throw usage("rollouts create needs a readable JSON FILE: " + argument);
                    }
                    JsonNode body = FleetApi.parse(Files.readString(Path.of(argument)));
                    if (!body.isObject()) {
                        throw usage("rollouts create: " + argument + " does not hold a JSON object");
                    }
                    print(planner.post("/api/v1/rollouts", body), output, Render.Output.json);
                }
                default -> throw usage("ACTION must be list, show, create, resume or abort: " + action);
            }
            return OK;
        }
    }

    @Command(
            name = "stale",
            mixinStandardHelpOptions = true,
            description = "The active nodes not seen for longer than the inventory's inventory.stale.after, the longest"
                    + " unseen first (none when it is off); retire --stale retires them.")
    static final class Stale extends Sub {
        @Option(names = "--page", paramLabel = "N", defaultValue = "0", description = "the page, from 0 (default 0)")
        int page;

        @Option(names = "--size", paramLabel = "N", defaultValue = "50", description = "nodes per page (default 50)")
        int size;

        @Mixin
        OutputOption output;

        @Override
        public Integer call() {
            print(
                    app.api("inventory").get("/api/v1/nodes/stale?page=" + page + "&size=" + size),
                    output,
                    Render.Output.json);
            return OK;
        }
    }

    @Command(
            name = "retire",
            mixinStandardHelpOptions = true,
            description = "Retires one node (NODE-ID), or every active node a selector selects (--site, --label,"
                    + " --cluster, --stale; all given must match): they leave the fleet and what was onboarded for them"
                    + " is offboarded.")
    static final class Retire extends Sub {
        @Parameters(paramLabel = "NODE-ID", arity = "0..1")
        String nodeId;

        @Mixin
        SelectorOptions selectorOptions;

        @Option(names = "--stale", description = "the nodes the stale command lists")
        boolean stale;

        @Mixin
        OutputOption output;

        @Override
        public Integer call() {
            boolean selector = selectorOptions.given() || stale;
            if ((nodeId != null) == selector) {
                throw usage("give a NODE-ID or a selector (--site, --label, --cluster, --stale), not both");
            }
            FleetApi inventory = app.api("inventory");
            if (nodeId != null) {
                // a node id may hold a slash (<clusterId>/<nodeName>): each segment is encoded on its own
                String path = java.util.Arrays.stream(nodeId.split("/", -1))
                        .map(FleetLocal::query)
                        .collect(java.util.stream.Collectors.joining("/"));
                print(inventory.post("/api/v1/nodes/" + path + "/retire", null), output, Render.Output.json);
                return OK;
            }
            ObjectNode body = selectorOptions.json(null);
            if (stale) {
                body.put("stale", true);
            }
            print(inventory.post("/api/v1/nodes/retire", body), output, Render.Output.json);
            return OK;
        }
    }

    @Command(
            name = "offboard",
            mixinStandardHelpOptions = true,
            description = "Stops watching a cluster and retires every active node of it: the cluster is offboarded.")
    static final class Offboard extends Sub {
        @Parameters(paramLabel = "CLUSTER-ID")
        String clusterId;

        @Mixin
        OutputOption output;

        @Override
        public Integer call() {
            FleetApi inventory = app.api("inventory");
            print(
                    FleetApi.expect(inventory.call(
                            "DELETE", "/api/v1/clusters/" + query(clusterId) + "?offboard=true", null, null)),
                    output,
                    Render.Output.json);
            return OK;
        }
    }

    @Command(
            name = "executions",
            mixinStandardHelpOptions = true,
            description = "The executions that need attention (failed, retrying, stuck), with their plan ids.")
    static final class Executions extends Sub {
        @Parameters(
                paramLabel = "LIMIT",
                arity = "0..1",
                defaultValue = "50",
                description = "at most this many (default 50)")
        int limit;

        @Mixin
        OutputOption output;

        @Override
        public Integer call() {
            print(app.api("inventory").get("/api/v1/executions/attention?limit=" + limit), output, Render.Output.json);
            return OK;
        }
    }

    @Command(
            name = "cancel",
            mixinStandardHelpOptions = true,
            description = "Ends the plan's running execution (FAILED, with the reason).")
    static final class Cancel extends Sub {
        @Parameters(index = "0", paramLabel = "PLAN-ID")
        String planId;

        @Parameters(index = "1..*", paramLabel = "REASON", arity = "0..*", description = "why (words are joined)")
        List<String> reason = new ArrayList<>();

        @Mixin
        OutputOption output;

        @Override
        public Integer call() {
            JsonNode body =
                    reason.isEmpty() ? null : FleetApi.JSON.createObjectNode().put("reason", String.join(" ", reason));
            print(
                    app.api("executor").post("/api/v1/executions/" + query(planId) + "/cancel", body),
                    output,
                    Render.Output.json);
            return OK;
        }
    }

    @Command(
            name = "retry",
            mixinStandardHelpOptions = true,
            description = "Runs the plan's failed execution again from the step that failed.")
    static final class Retry extends Sub {
        @Parameters(paramLabel = "PLAN-ID")
        String planId;

        @Mixin
        OutputOption output;

        @Override
        public Integer call() {
            print(
                    app.api("executor").post("/api/v1/executions/" + query(planId) + "/retry", null),
                    output,
                    Render.Output.json);
            return OK;
        }
    }

    @Command(
            name = "dead-letters",
            mixinStandardHelpOptions = true,
            description = "Dead-lettered records: how many per DLQ topic, or a page of one topic with each reason.")
    static final class DeadLetters extends Sub {
        @Parameters(paramLabel = "DLQ-TOPIC", arity = "0..1")
        String topic;

        @Option(names = "--from", paramLabel = "OFFSET")
        Long from;

        @Option(names = "--limit", paramLabel = "N")
        Integer limit;

        @Option(names = "--partition", paramLabel = "P")
        Integer partition;

        @Mixin
        OutputOption output;

        @Override
        public Integer call() {
            String query = (from == null ? "" : "&from=" + from)
                    + (limit == null ? "" : "&limit=" + limit)
                    + (partition == null ? "" : "&partition=" + partition);
            if (topic == null && !query.isEmpty()) {
                throw usage("--from, --limit and --partition page through one DLQ-TOPIC");
            }
            FleetApi inventory = app.api("inventory");
            print(
                    topic == null
                            ? inventory.get("/api/v1/ops/dead-letters/summary")
                            : inventory.get("/api/v1/ops/dead-letters?topic=" + query(topic) + query),
                    output,
                    Render.Output.json);
            return OK;
        }
    }

    @Command(
            name = "redrive",
            mixinStandardHelpOptions = true,
            description = "Sends dead-lettered records back to their original topic (each at most once), after a fix.")
    static final class Redrive extends Sub {
        static final Pattern RECORD = Pattern.compile("([0-9]+):([0-9]+)");

        @Parameters(index = "0", paramLabel = "DLQ-TOPIC")
        String topic;

        @Parameters(
                index = "1..*",
                arity = "1..*",
                paramLabel = "all|PARTITION:OFFSET",
                description = "all, or the records (e.g. 0:12 2:7)")
        List<String> records;

        @Mixin
        OutputOption output;

        @Override
        public Integer call() {
            ObjectNode body = FleetApi.JSON.createObjectNode().put("topic", topic);
            if (records.get(0).equals("all")) {
                if (records.size() != 1) {
                    throw usage("usage: bin/fleet-local redrive DLQ-TOPIC all|PARTITION:OFFSET...");
                }
                body.put("all", true);
            } else {
                ArrayNode list = body.putArray("records");
                for (String r : records) {
                    Matcher m = RECORD.matcher(r);
                    if (!m.matches()) {
                        throw usage(
                                "'" + r + "' is not PARTITION:OFFSET (e.g. redrive fleet.registrations.dlq 0:12 2:7)");
                    }
                    list.addObject()
                            .put("partition", Integer.parseInt(m.group(1)))
                            .put("offset", Long.parseLong(m.group(2)));
                }
            }
            print(app.api("inventory").post("/api/v1/ops/dead-letters/redrive", body), output, Render.Output.json);
            return OK;
        }
    }

    @Command(
            name = "replay",
            mixinStandardHelpOptions = true,
            description = "Stops SERVICE, moves its consumer groups (or the one named) back to the beginning or to an"
                    + " instant, and starts it again.")
    static final class Replay extends Sub {
        static final Pattern INSTANT = Pattern.compile(
                "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?(Z|[+-][0-9]{2}:[0-9]{2})");
        /** A group a service stopped hard still has until its session times out (45 s): asked again for this long. */
        static final Duration MEMBERS_GONE = Duration.ofSeconds(60);

        static final Duration ASK_AGAIN = Duration.ofSeconds(3);

        @Parameters(paramLabel = "SERVICE", description = "inventory, planner or executor")
        String service;

        @Option(
                names = "--from",
                paramLabel = "beginning|INSTANT",
                defaultValue = "beginning",
                description = "beginning, or an ISO-8601 instant such as 2026-11-25T10:00:00Z (default beginning)")
        String from;

        @Option(names = "--group", paramLabel = "GROUP", description = "only this consumer group")
        String group;

        @Mixin
        OutputOption output;

        @Override
        public Integer call() {
            if (!LocalStack.SERVICES.containsKey(service)) {
                throw usage(
                        "usage: bin/fleet-local replay inventory|planner|executor [--from beginning|INSTANT] [--group GROUP]");
            }
            if (!from.equals("beginning") && !INSTANT.matcher(from).matches()) {
                throw usage("--from takes beginning or an ISO-8601 instant such as 2026-11-25T10:00:00Z, not '" + from
                        + "'");
            }
            FleetApi inventory = app.api("inventory");
            List<String[]> groups = new ArrayList<>();
            for (JsonNode g : inventory.get("/api/v1/ops/consumer-groups?service=" + query(service))) {
                groups.add(
                        new String[] {g.path("group").asText(), g.path("topic").asText()});
            }
            if (groups.isEmpty()) {
                throw new StackException("inventory-service names no consumer group of " + service);
            }
            if (group != null) {
                List<String[]> named =
                        groups.stream().filter(g -> g[0].equals(group)).toList();
                if (named.isEmpty()) {
                    throw usage(service + " has no consumer group " + group + "; its groups: "
                            + String.join(" ", groups.stream().map(g -> g[0]).toList()));
                }
                groups = named;
            }
            LocalStack stack = app.stack;
            stack.stopService(service, app::say);
            if (service.equals("inventory")) {
                // the replay endpoint is the inventory's own: it runs meanwhile with its consumers off
                app.say("starting inventory-service with its consumers off, to replay its own groups");
                stack.startService(
                        "inventory",
                        Map.of(
                                "MP_MESSAGING_INCOMING_REGISTRATIONS_IN_ENABLED",
                                "false",
                                "MP_MESSAGING_INCOMING_STATUS_IN_ENABLED",
                                "false"),
                        app::say);
                try {
                    stack.awaitReady("inventory", app::say);
                } catch (StackException e) {
                    stack.stopService("inventory", app::say);
                    stack.startService("inventory", Map.of(), app::say);
                    stack.awaitReady("inventory", app::say);
                    throw new StackException("inventory-service did not start with its consumers off (" + e.getMessage()
                            + "); nothing was replayed, it runs as before");
                }
            }
            RuntimeException failure = null;
            ArrayNode replayed = FleetApi.JSON.createArrayNode();
            for (String[] g : groups) {
                app.say("replaying consumer group " + g[0] + " on " + g[1] + " from " + from);
                try {
                    replayed.add(replayGroup(inventory, g[0], g[1]));
                } catch (RuntimeException e) {
                    failure = e;
                    break;
                }
            }
            if (service.equals("inventory")) {
                stack.stopService("inventory", app::say);
            }
            stack.startService(service, Map.of(), app::say);
            stack.awaitReady(service, app::say);
            print(replayed, output, Render.Output.json);
            if (failure != null) {
                throw failure instanceof ApiException a
                        ? new ApiException(
                                a.status(),
                                a.getMessage()
                                        + " (the service was started again; the groups listed above were replayed)")
                        : failure;
            }
            return OK;
        }

        JsonNode replayGroup(FleetApi inventory, String group, String topic) {
            Instant deadline = Instant.now().plus(MEMBERS_GONE);
            String body = FleetApi.JSON
                    .createObjectNode()
                    .put("topic", topic)
                    .put("from", from)
                    .toString();
            boolean told = false;
            while (true) {
                FleetApi.Answer a = inventory.call(
                        "POST", "/api/v1/ops/consumer-groups/" + query(group) + "/replay", body, "application/json");
                if (a.status() != 409 || Instant.now().isAfter(deadline)) {
                    return FleetApi.expect(a);
                }
                if (!told) {
                    app.say("group " + group + " still has members; asking again every 3 s for up to 60 s");
                    told = true;
                }
                LockSupport.parkNanos(ASK_AGAIN.toNanos());
            }
        }
    }

    @Command(
            name = "tokens",
            mixinStandardHelpOptions = true,
            description = "Writes the local admin and service tokens if missing, and says where they are (never what).")
    static final class Tokens extends Sub {
        @Override
        public Integer call() {
            app.stack.ensureTokens(app::say);
            app.say("admin token    " + app.stack.adminToken()
                    + "  (send it as 'Authorization: Bearer <token>' for writes)");
            app.say("admin header   " + app.stack.adminHeader() + "  (for curl: -H @" + app.stack.adminHeader() + ")");
            app.say("service token  " + app.stack.serviceToken() + "  (the services' own, for token introspection)");
            return OK;
        }
    }

    @Command(name = "down", mixinStandardHelpOptions = true, description = "Stops exactly what up started.")
    static final class Down extends Sub {
        @Override
        public Integer call() {
            app.stack.down(app::say);
            return OK;
        }
    }
}
