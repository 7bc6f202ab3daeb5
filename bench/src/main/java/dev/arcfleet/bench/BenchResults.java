package dev.arcfleet.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;

/**
 * Merges the benchmarks' JSON outputs into one results file with the machine and the command:
 * {@code BenchResults out.json mode command part.json...}.
 */
public final class BenchResults {
    private BenchResults() {
    }

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
        for (int i = 3; i < args.length; i++) {
            ObjectNode part = (ObjectNode) json.readTree(Files.readString(Path.of(args[i])));
            for (Iterator<Map.Entry<String, JsonNode>> it = part.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                result.set(e.getKey(), e.getValue());
            }
        }
        Path out = Path.of(args[0]);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, json.writerWithDefaultPrettyPrinter().writeValueAsString(result) + "\n");
        System.out.println(Files.readString(out));
    }
}
