import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arcfleet.contracts.StatusEvent;
import dev.arcfleet.support.inbox.IncomingEvent;
import dev.arcfleet.support.inbox.JsonReader;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * What the planner's status consumer spends on a node's PLANNED event before and after it read past them by their
 * nodeId: the event bound whole ({@link JsonReader#read}) against {@link JsonReader#peekText}, in CPU time of this
 * thread per event, the median of 7 rounds of 200,000 (the first round warms the JIT up and is dropped). A single-file
 * program on the planner's own classpath, from the repository's root after a package:
 *
 * <pre>
 * java -cp 'planner-service/target/quarkus-app/lib/main/*' bench/micro/StatusPeekCost.java \
 *     bench/micro/planned-status-event.json
 * </pre>
 *
 * The event is one the planner published in a {@code bin/fleet-bench --quick} run (1,505 bytes).
 */
public class StatusPeekCost {
    public static void main(String[] args) throws Exception {
        String json = Files.readString(Path.of(args[0])).trim();
        JsonReader reader = new JsonReader(new ObjectMapper().findAndRegisterModules());
        IncomingEvent event = new IncomingEvent("onboarding.status", "k", "e", "t", null, json);
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int n = 200_000;
        int rounds = 8;
        double[] bind = new double[rounds - 1];
        double[] peek = new double[rounds - 1];
        long seen = 0;
        for (int round = 0; round < rounds; round++) {
            long t0 = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                seen += reader.read(event, StatusEvent.class).nodeId() == null ? 0 : 1;
            }
            long t1 = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                seen += reader.peekText(event, "nodeId") == null ? 0 : 1;
            }
            long t2 = threads.getCurrentThreadCpuTime();
            if (round > 0) {
                bind[round - 1] = (t1 - t0) / 1e3 / n;
                peek[round - 1] = (t2 - t1) / 1e3 / n;
            }
        }
        if (seen != 2L * n * rounds) {
            throw new IllegalStateException("the event has no nodeId: " + args[0]);
        }
        Arrays.sort(bind);
        Arrays.sort(peek);
        System.out.printf(
                "bound whole: %.2f us per event; peeked to nodeId: %.2f us per event (medians of %d rounds of %d)%n",
                bind[bind.length / 2], peek[peek.length / 2], rounds - 1, n);
    }
}
