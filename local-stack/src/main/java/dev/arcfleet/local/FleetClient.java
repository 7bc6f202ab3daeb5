package dev.arcfleet.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.nio.charset.StandardCharsets;
import java.net.URLEncoder;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The client side of {@code bin/fleet-local}: {@code demo} registers a fleet file and follows it until every node is in
 * a terminal state (SUCCEEDED, FAILED, BLOCKED, or PLANNED on DIRECT_AGENT, which the system plans but does not carry
 * out), makes the hand-off kit of every site with DIRECT_AGENT nodes and follows those to HANDED_OFF, printing
 * progress, then the table by route and state; {@code status} prints the table for the whole fleet; {@code handoff}
 * shows what awaits a kit, or makes one site's kit and writes its script and inventory.
 *
 * <p>Usage: {@code FleetClient demo <inventoryUrl> <fleet.json|bundled> [timeoutSeconds]} or
 * {@code FleetClient status <inventoryUrl>} or {@code FleetClient handoff <plannerUrl> <tokenFile> [site] [outDir]}
 */
public final class FleetClient {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final List<String> ROUTES = List.of("ARC_K8S", "IOT_OPERATIONS", "COMPANION_VM", "DIRECT_AGENT", "BLOCKED",
            "UNDECIDED");
    static final List<String> STATES = List.of("PENDING", "PLANNED", "IN_PROGRESS", "SUCCEEDED", "FAILED", "BLOCKED",
            "HANDED_OFF");
    static final int PAGE = 500;

    private FleetClient() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: FleetClient demo <inventoryUrl> <fleet.json|bundled> [timeoutSeconds] [tokenFile]"
                    + " [plannerUrl] | status <inventoryUrl> | handoff <plannerUrl> <tokenFile> [site] [outDir]");
            System.exit(2);
        }
        String base = args[1].replaceAll("/+$", "");
        try {
            switch (args[0]) {
                case "demo" -> System.exit(demo(base, args.length > 2 ? args[2] : "bundled",
                        Duration.ofSeconds(args.length > 3 ? Long.parseLong(args[3]) : 300),
                        args.length > 4 ? Files.readString(Path.of(args[4])).trim() : null,
                        args.length > 5 ? args[5].replaceAll("/+$", "") : null));
                case "handoff" -> System.exit(handoff(base, args.length > 2 ? Files.readString(Path.of(args[2])).trim()
                        : null, args.length > 3 ? args[3] : null, Path.of(args.length > 4 ? args[4] : ".")));
                case "status" -> {
                    Map<String, Map<String, Integer>> table = new TreeMap<>();
                    listNodes(base).forEach(n -> count(table, route(n), state(n)));
                    printTable(table);
                }
                default -> {
                    System.err.println("unknown command " + args[0]);
                    System.exit(2);
                }
            }
        } catch (ConnectException e) {
            System.err.println("inventory-service does not answer at " + base + " (is the pipeline up? bin/fleet-local up)");
            System.exit(1);
        }
    }

    /** Registers the fleet with the admin token (writes need one), then follows every node to a terminal state. */
    static int demo(String base, String fleetFile, Duration timeout, String token, String plannerBase) throws Exception {
        JsonNode fleet = readFleet(fleetFile);
        Set<String> ids = new HashSet<>();
        fleet.forEach(n -> ids.add(n.get("deviceId").asText()));
        HttpRequest.Builder register = HttpRequest.newBuilder(URI.create(base + "/api/v1/registrations"));
        if (token != null) {
            register.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = HTTP.send(register
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(fleet))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            System.err.println("registration failed: HTTP " + response.statusCode() + " " + response.body());
            return 1;
        }
        JsonNode result = JSON.readTree(response.body());
        System.out.printf("registered %d nodes: %d accepted, %d unchanged, %d rejected%n", ids.size(),
                result.path("accepted").asInt(), result.path("unchanged").asInt(), result.path("rejected").asInt());
        if (result.path("rejected").asInt() > 0) {
            result.path("items").forEach(i -> {
                if ("REJECTED".equalsIgnoreCase(i.path("outcome").asText()) || i.has("errors")) {
                    System.err.println("  rejected " + i);
                }
            });
        }

        Map<String, Map<String, Integer>> table;
        try {
            table = follow(base, ids, Instant.now().plus(timeout), timeout, false);
            if (plannerBase != null && handOffAll(plannerBase, token) > 0) {
                System.out.println("following the handed-off nodes ...");
                table = follow(base, ids, Instant.now().plus(timeout), timeout, true);
            }
        } catch (IllegalStateException e) {
            System.err.println("demo did not finish: " + e.getMessage());
            return 1;
        }
        System.out.println();
        System.out.println("Every sample node reached a terminal state. Nodes by route and state:");
        printTable(table);
        return 0;
    }

    /**
     * Polls the sample's nodes once a second, printing progress, until every one is in a terminal state (with
     * {@code handedOff}, DIRECT_AGENT nodes only once HANDED_OFF); the table by route and state, or
     * IllegalStateException after the deadline.
     */
    static Map<String, Map<String, Integer>> follow(String base, Set<String> ids, Instant deadline, Duration timeout,
            boolean handedOff) throws Exception {
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        CompletableFuture<Map<String, Map<String, Integer>>> done = new CompletableFuture<>();
        String[] last = {""};
        ticker.scheduleWithFixedDelay(() -> {
            try {
                Map<String, Map<String, Integer>> table = new TreeMap<>();
                Map<String, Integer> byState = new TreeMap<>();
                int terminal = 0;
                int seen = 0;
                for (JsonNode n : sampleNodes(base, ids)) {
                    seen++;
                    count(table, route(n), state(n));
                    byState.merge(state(n), 1, Integer::sum);
                    if (handedOff ? terminalAfterHandOff(route(n), state(n)) : terminal(route(n), state(n))) {
                        terminal++;
                    }
                }
                String line = String.format("  %3d/%d nodes in a terminal state  %s", terminal, ids.size(), byState);
                if (!line.equals(last[0])) {
                    System.out.println(line);
                    last[0] = line;
                }
                if (seen == ids.size() && terminal == ids.size()) {
                    done.complete(table);
                } else if (Instant.now().isAfter(deadline)) {
                    done.completeExceptionally(new IllegalStateException(
                            (ids.size() - terminal) + " nodes not in a terminal state after " + timeout.toSeconds() + " s"));
                }
            } catch (IOException | InterruptedException | RuntimeException e) {
                // an exception left in a scheduled task would end the schedule and leave the demo waiting forever
                done.completeExceptionally(e);
            }
        }, 0, 1, TimeUnit.SECONDS);
        try {
            return done.get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } finally {
            ticker.shutdownNow();
        }
    }

    /** Makes the hand-off kit of every site with DIRECT_AGENT nodes awaiting one; how many kits it made. */
    static int handOffAll(String plannerBase, String token) throws IOException, InterruptedException {
        HttpResponse<String> overview = HTTP.send(authorized(URI.create(plannerBase + "/api/v1/handoffs"), token)
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        if (overview.statusCode() != 200) {
            throw new IOException("GET /api/v1/handoffs: HTTP " + overview.statusCode() + " " + overview.body());
        }
        int kits = 0;
        for (Iterator<String> sites = JSON.readTree(overview.body()).path("awaiting").fieldNames(); sites.hasNext(); ) {
            JsonNode kit = makeKit(plannerBase, token, sites.next());
            System.out.printf("hand-off kit %s for site %s: %d DIRECT_AGENT nodes (its script: GET %s/api/v1/handoffs/%s/script)%n",
                    kit.path("kitId").asText(), kit.path("site").asText(), kit.path("nodes").asInt(), plannerBase,
                    kit.path("kitId").asText());
            kits++;
        }
        return kits;
    }

    static JsonNode makeKit(String plannerBase, String token, String site) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(authorized(URI.create(plannerBase + "/api/v1/handoffs"), token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("site", site)))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IOException("hand-off kit for site " + site + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    /**
     * {@code handoff}: without a site, what awaits a kit by site and the kits made; with one, makes the site's kit and
     * writes its script and inventory into {@code outDir}. Exit code 0, or 1 with the planner's message.
     */
    static int handoff(String plannerBase, String token, String site, Path outDir) throws IOException, InterruptedException {
        if (site == null) {
            HttpResponse<String> r = HTTP.send(authorized(URI.create(plannerBase + "/api/v1/handoffs"), token).GET()
                    .build(), HttpResponse.BodyHandlers.ofString());
            System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JSON.readTree(r.body())));
            return r.statusCode() == 200 ? 0 : 1;
        }
        JsonNode kit;
        try {
            kit = makeKit(plannerBase, token, site);
        } catch (IOException e) {
            System.err.println(e.getMessage());
            return 1;
        }
        Files.createDirectories(outDir);
        Path script = outDir.resolve("onboard-" + site + ".sh");
        Path inventory = outDir.resolve("inventory-" + site + ".csv");
        Files.writeString(script, kit.path("script").asText());
        Files.writeString(inventory, kit.path("inventory").asText());
        System.out.printf("kit %s for site %s, %d nodes: %s, %s%n", kit.path("kitId").asText(), site,
                kit.path("nodes").asInt(), script, inventory);
        System.out.println("Run the script as root on each listed host with ARC_SP_SECRET_FILE naming a file that holds"
                + " the onboarding service principal's secret.");
        return 0;
    }

    private static HttpRequest.Builder authorized(URI uri, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60));
        return token == null ? b : b.header("Authorization", "Bearer " + token);
    }

    static boolean terminalAfterHandOff(String route, String state) {
        return route.equals("DIRECT_AGENT") ? state.equals("HANDED_OFF") : terminal(route, state);
    }

    static boolean terminal(String route, String state) {
        return state.equals("SUCCEEDED") || state.equals("FAILED") || state.equals("BLOCKED")
                || state.equals("HANDED_OFF") || (route.equals("DIRECT_AGENT") && state.equals("PLANNED"));
    }

    static JsonNode readFleet(String file) throws IOException {
        if (file.equals("bundled")) {
            try (InputStream in = FleetClient.class.getClassLoader().getResourceAsStream("fleet/sample-fleet.json")) {
                return JSON.readTree(in);
            }
        }
        return JSON.readTree(Files.readString(Path.of(file)));
    }

    /**
     * The sample's nodes, each read by id: the registry may hold many other nodes (a benchmark's, a real fleet's), and
     * the demo's progress must not depend on how many.
     */
    static List<JsonNode> sampleNodes(String base, Set<String> ids) throws IOException, InterruptedException {
        List<JsonNode> found = new ArrayList<>(ids.size());
        for (String id : ids) {
            String path = Arrays.stream(id.split("/", -1)).map(p -> URLEncoder.encode(p, StandardCharsets.UTF_8))
                    .collect(Collectors.joining("/"));
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/nodes/" + path))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                found.add(JSON.readTree(r.body()));
            } else if (r.statusCode() != 404) {
                throw new IOException("GET /api/v1/nodes/" + id + ": HTTP " + r.statusCode() + " " + r.body());
            }
        }
        return found;
    }

    static ArrayNode listNodes(String base) throws IOException, InterruptedException {
        ArrayNode all = JSON.createArrayNode();
        for (int page = 0; ; page++) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/nodes?size=" + PAGE
                    + "&page=" + page)).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IOException("GET /api/v1/nodes: HTTP " + r.statusCode() + " " + r.body());
            }
            JsonNode body = JSON.readTree(r.body());
            body.path("items").forEach(all::add);
            if (body.path("items").size() < PAGE) {
                return all;
            }
        }
    }

    static String route(JsonNode n) {
        String r = n.path("onboarding").path("route").asText("");
        return r.isEmpty() ? "UNDECIDED" : r;
    }

    static String state(JsonNode n) {
        String s = n.path("onboarding").path("state").asText("");
        return s.isEmpty() ? "PENDING" : s;
    }

    static void count(Map<String, Map<String, Integer>> table, String route, String state) {
        table.computeIfAbsent(route, k -> new HashMap<>()).merge(state, 1, Integer::sum);
    }

    static void printTable(Map<String, Map<String, Integer>> table) {
        Set<String> states = new TreeSet<>((a, b) -> Integer.compare(order(STATES, a), order(STATES, b)) != 0
                ? Integer.compare(order(STATES, a), order(STATES, b)) : a.compareTo(b));
        table.values().forEach(m -> states.addAll(m.keySet()));
        StringBuilder header = new StringBuilder(String.format("%-16s", "route"));
        states.forEach(s -> header.append(String.format("%13s", s)));
        header.append(String.format("%8s", "total"));
        System.out.println(header);
        System.out.println("-".repeat(header.length()));
        int total = 0;
        for (String route : table.keySet().stream().sorted((a, b) -> Integer.compare(order(ROUTES, a), order(ROUTES, b)))
                .toList()) {
            StringBuilder row = new StringBuilder(String.format("%-16s", route));
            int sum = 0;
            for (String s : states) {
                int c = table.get(route).getOrDefault(s, 0);
                sum += c;
                row.append(String.format("%13s", c == 0 ? "." : Integer.toString(c)));
            }
            total += sum;
            System.out.println(row.append(String.format("%8d", sum)));
        }
        System.out.println("-".repeat(header.length()));
        System.out.println(String.format("%-16s", "all") + " ".repeat(13 * states.size()) + String.format("%8d", total));
    }

    private static int order(List<String> list, String value) {
        int i = list.indexOf(value);
        return i < 0 ? list.size() : i;
    }
}
