package dev.arcfleet.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Merges the benchmarks' JSON outputs into one results file with the machine and the command:
 * {@code BenchResults out.json mode command part.json...}. Several makespan runs (parts with {@code arm_makespan_s})
 * are reported as the run with the median makespan, plus every run's makespan, ratio and count of 429s. Runs with
 * several executor processes ({@code executors} above 1) stand beside that median run in {@code arm_makespan_replicas},
 * one entry per executor count.
 */
public final class BenchResults {
    private BenchResults() {}

    public static void main(String[] args) throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode result = json.createObjectNode();
        result.put("mode", args[1]);
        result.put("command", args[2]);
        result.put("measured_at", Instant.now().toString());
        ObjectNode machine = result.putObject("machine");
        machine.put("cpus", Runtime.getRuntime().availableProcessors());
        machine.put("java", System.getProperty("java.version"));
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        List<ObjectNode> makespans = new ArrayList<>();
        List<ObjectNode> replicated = new ArrayList<>();
        for (int i = 3; i < args.length; i++) {
            ObjectNode part = (ObjectNode) json.readTree(Files.readString(Path.of(args[i])));
            if (part.has("arm_makespan_s") && part.path("executors").asInt(1) > 1) {
                replicated.add(part);
            } else if (part.has("arm_makespan_s")) {
                makespans.add(part);
            } else {
                result.setAll(part);
            }
        }
        if (!makespans.isEmpty()) {
            List<ObjectNode> sorted = makespans.stream()
                    .sorted(Comparator.comparingDouble(
                            m -> m.get("arm_makespan_s").asDouble()))
                    .toList();
            result.setAll(sorted.get(sorted.size() / 2));
            ArrayNode runs = result.putArray("arm_makespan_runs");
            for (ObjectNode m : makespans) {
                copy(
                        m,
                        runs.addObject(),
                        "arm_makespan_s",
                        "makespan_to_bound",
                        "makespan_to_max_floor",
                        "makespan_to_cpu_used_floor",
                        "makespan_to_read_bound",
                        "arm_reads_per_cluster",
                        "throttled_429",
                        "plans_failed");
            }
        }
        if (!replicated.isEmpty()) {
            ArrayNode side = result.putArray("arm_makespan_replicas");
            if (!makespans.isEmpty()) {
                side.add(replicaEntry(result));
            }
            replicated.stream()
                    .sorted(Comparator.comparingInt(m -> m.get("executors").asInt()))
                    .forEach(m -> side.add(replicaEntry(m)));
        }
        Path out = Path.of(args[0]);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, json.writerWithDefaultPrettyPrinter().writeValueAsString(result) + "\n");
        System.out.println(Files.readString(out));
    }

    /** One executor count's makespan run, as {@code arm_makespan_replicas} lists it. */
    private static ObjectNode replicaEntry(ObjectNode run) {
        ObjectNode entry = new ObjectMapper().createObjectNode();
        entry.put("executors", run.path("executors").asInt(1));
        return copy(
                run,
                entry,
                "clusters",
                "arm_makespan_s",
                "arm_lower_bound_s",
                "makespan_to_bound",
                "makespan_to_max_floor",
                "makespan_to_cpu_used_floor",
                "makespan_to_read_bound",
                "executor_cpu_s",
                "executor_peak_rss_mib",
                "throttled_429",
                "plans_failed",
                "plans_unfinished",
                "created_twice");
    }

    /** Copies those of {@code fields} that {@code from} has into {@code to}; returns {@code to}. */
    private static ObjectNode copy(ObjectNode from, ObjectNode to, String... fields) {
        for (String field : fields) {
            if (from.has(field)) {
                to.set(field, from.get(field));
            }
        }
        return to;
    }
}
