package dev.arcfleet.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arcfleet.contracts.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * What a fleet that heartbeats at a steady rate costs ({@code bin/fleet-local up} running): {@code nodes} new nodes
 * registered and followed to their PLANNED/BLOCKED status (not measured), then the stack's CPU over {@code seconds}
 * with nothing sent, then over {@code seconds} of their registrations sent again unchanged at each rate, cycling over
 * the nodes. A window ends once one new registration per partition of {@code fleet.registrations}, sent after the
 * heartbeats, is on {@code fleet.nodes} (the heartbeats before it were all consumed). For each rate: the cores each
 * process used, and the CPU milliseconds per heartbeat above the quiet window's use. {@link PipelineBench}'s heartbeat
 * round measures heartbeats as fast as they go; a fleet sends them at its own pace, in small batches.
 *
 * <p>Usage: {@code SteadyHeartbeats bootstrap stateDir nodes seconds rate [rate ...] [out.json]} (with
 * {@code -Dbench.kafka.properties=...} on the local stack).
 */
public final class SteadyHeartbeats {
    private SteadyHeartbeats() {}

    /** The cores each process used over a window, and the window's length. */
    record Window(double seconds, Map<String, Double> cores) {
        double total() {
            return cores.values().stream().mapToDouble(Double::doubleValue).sum();
        }

        ObjectNode json() {
            ObjectNode out = PipelineBench.JSON.createObjectNode();
            cores.forEach((name, c) -> out.put(name, PipelineBench.round3(c)));
            return out;
        }
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        Path state = Path.of(args[1]);
        int nodes = Integer.parseInt(args[2]);
        int seconds = Integer.parseInt(args[3]);
        int last = args[args.length - 1].endsWith(".json") ? args.length - 1 : args.length;
        List<Integer> rates =
                Arrays.stream(args, 4, last).map(Integer::parseInt).toList();
        Map<String, Long> stack = PipelineBench.stackPids(state);
        String prefix = "steady-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        PipelineBench.pipelineRound(bootstrap, nodes, prefix);
        PipelineBench.settle(stack);
        ObjectNode result = PipelineBench.JSON.createObjectNode();
        result.put("nodes", nodes);
        result.put("seconds", seconds);
        Window quiet = window(stack, () -> Thread.sleep(TimeUnit.SECONDS.toMillis(seconds)));
        result.set("quiet_cores", quiet.json());
        System.out.printf("quiet: %.3f cores %s%n", quiet.total(), quiet.json());
        ArrayNode runs = result.putArray("runs");
        for (int rate : rates) {
            PipelineBench.settle(stack);
            Window w = window(stack, () -> heartbeats(bootstrap, prefix, nodes, rate, seconds));
            double above = w.total() - quiet.total();
            double msPerHeartbeat = above * w.seconds() * 1000 / ((double) rate * seconds);
            runs.addObject()
                    .put("rate", rate)
                    .put("window_s", PipelineBench.round3(w.seconds()))
                    .put("cores", PipelineBench.round3(w.total()))
                    .put("cores_above_quiet", PipelineBench.round3(above))
                    .put("cpu_ms_per_heartbeat", PipelineBench.round3(msPerHeartbeat))
                    .set("cores_by_process", w.json());
            System.out.printf(
                    "%,d heartbeats/s: %.3f cores (%.3f above quiet), %.3f CPU ms per heartbeat %s%n",
                    rate, w.total(), above, msPerHeartbeat, w.json());
        }
        String json = PipelineBench.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result);
        System.out.println(json);
        if (last < args.length) {
            Files.writeString(Path.of(args[last]), json + "\n");
        }
        System.exit(0);
    }

    interface Work {
        void run() throws Exception;
    }

    static Window window(Map<String, Long> stack, Work work) throws Exception {
        Map<String, Double> before = PipelineBench.cpuByProcess(stack);
        long start = System.nanoTime();
        work.run();
        double elapsed = (System.nanoTime() - start) / 1e9;
        Map<String, Double> after = PipelineBench.cpuByProcess(stack);
        Map<String, Double> cores = new LinkedHashMap<>();
        before.forEach((name, cpu) -> cores.put(name, (after.get(name) - cpu) / elapsed));
        return new Window(elapsed, cores);
    }

    /** The nodes' registrations again, unchanged, at {@code rate} for {@code seconds}; returns once all are consumed. */
    static void heartbeats(String bootstrap, String prefix, int nodes, int rate, int seconds) throws Exception {
        try (KafkaConsumer<String, String> events = PipelineBench.consumerAtEnd(bootstrap, Topics.NODES);
                KafkaProducer<String, String> producer = PipelineBench.producer(bootstrap)) {
            PipelineBench.pacedSender(producer, Topics.REGISTRATIONS, prefix, rate * seconds, nodes, rate, null)
                    .join();
            PipelineBench.markersConsumed(producer, events, TimeUnit.MINUTES.toNanos(5), "the heartbeats");
        }
    }
}
