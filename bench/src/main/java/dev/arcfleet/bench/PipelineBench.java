package dev.arcfleet.bench;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arcfleet.contracts.EventTypes;
import dev.arcfleet.contracts.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The pipeline against raw Kafka on the same broker ({@code bin/fleet-local up} running): after a warm-up (not
 * measured) of {@code bench.warmup-registrations} registrations as fast as they go (N, at most 20,000, by default)
 * and {@code bench.warmup-seconds} (30) at the latency runs' rate, rounds that alternate a raw produce-and-consume of
 * N registration-sized records with plain clients (the machine's limit for this workload) and N registrations into
 * {@code fleet.registrations} followed to their PLANNED/BLOCKED status; then registration-to-PLANNED latency
 * percentiles at a fixed offered rate (as many runs as rounds); then each service's peak RSS. Medians of the rounds
 * and of the latency runs.
 *
 * <p>Usage: {@code PipelineBench bootstrap n rounds rate seconds stateDir [out.json]}
 */
public final class PipelineBench {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String RAW_TOPIC = "bench.raw";
    /** The inventory's database of the local stack (the embedded PostgreSQL's user), read for the last-seen flush. */
    static final String INVENTORY_DB =
            System.getProperty("bench.inventory-jdbc", "jdbc:postgresql://127.0.0.1:54320/inventory");

    private PipelineBench() {}

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        int n = Integer.parseInt(args[1]);
        int rounds = Integer.parseInt(args[2]);
        int rate = Integer.parseInt(args[3]);
        int seconds = Integer.parseInt(args[4]);
        Path state = Path.of(args[5]);
        ObjectNode result = JSON.createObjectNode();
        try (Admin admin =
                Admin.create(BenchKafka.config(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap)))) {
            int partitions = admin.describeTopics(List.of(Topics.REGISTRATIONS))
                    .allTopicNames()
                    .get()
                    .get(Topics.REGISTRATIONS)
                    .partitions()
                    .size();
            if (!admin.listTopics().names().get().contains(RAW_TOPIC)) {
                admin.createTopics(List.of(new NewTopic(RAW_TOPIC, partitions, (short) 1)))
                        .all()
                        .get();
            }
        }
        Map<String, Long> stack = stackPids(state);
        // a stack just started compiles its hot paths and works off its first plans for a while: the rounds measure
        // the pipeline once that is over (docs/benchmarks.md, 2026-12-05 13:55)
        int warmup = Integer.getInteger("bench.warmup-registrations", Math.min(n, 20_000));
        int warmupSeconds = Integer.getInteger("bench.warmup-seconds", 30);
        long warmupStart = System.nanoTime();
        if (warmup > 0) {
            pipelineRound(
                    bootstrap, warmup, "warm-" + UUID.randomUUID().toString().substring(0, 8) + "-");
        }
        if (warmupSeconds > 0) {
            // the latency runs' regime (small batches at a steady rate) has hot paths of its own
            latencyRun(bootstrap, rate, warmupSeconds);
        }
        settle(stack);
        System.out.printf(
                "warm-up: %,d registrations as fast as they go, %d s at %d/s, the stack quiet again: %.1f s%n",
                warmup, warmupSeconds, rate, (System.nanoTime() - warmupStart) / 1e9);
        result.put("warmup_registrations", warmup);
        result.put("warmup_seconds_at_rate", warmupSeconds);
        double[] raw = new double[rounds];
        double[] pipeline = new double[rounds];
        double[] heartbeats = new double[rounds];
        double[] rawCpu = new double[rounds];
        double[] pipelineCpu = new double[rounds];
        double[] heartbeatCpu = new double[rounds];
        ArrayNode roundsJson = JSON.createArrayNode();
        for (int r = 0; r < rounds; r++) {
            settle(stack);
            Round rawRound = measured(stack, n, () -> rawRound(bootstrap, n));
            String prefix = "pipe-" + UUID.randomUUID().toString().substring(0, 8) + "-";
            // the round's rate ends with the last PLANNED seen; its CPU once the work those registrations caused after
            // it (the inventory's projection of the PLANNED events, the relays) is done too
            Round pipelineRound = measured(stack, n, () -> {
                double perSecond = pipelineRound(bootstrap, n, prefix);
                settle(stack);
                return perSecond;
            });
            // the same registrations again: unchanged facts, a steady fleet's heartbeats
            Round heartbeatRound = measured(stack, n, () -> {
                Instant sent = Instant.now();
                double perSecond = heartbeatRound(bootstrap, n, prefix);
                // the heartbeats' last-seen times reach the database in the inventory's next flush, after the round:
                // waited for inside the CPU window, so cpu_ms_per_heartbeat counts it (bin/fleet-bench starts the
                // stack with a flush every second; docs/benchmarks.md, 2026-12-04)
                awaitLastSeenWritten(prefix, n, sent);
                return perSecond;
            });
            raw[r] = rawRound.perSecond();
            pipeline[r] = pipelineRound.perSecond();
            heartbeats[r] = heartbeatRound.perSecond();
            rawCpu[r] = rawRound.cpuMsPerRecord();
            pipelineCpu[r] = pipelineRound.cpuMsPerRecord();
            heartbeatCpu[r] = heartbeatRound.cpuMsPerRecord();
            roundsJson
                    .addObject()
                    .put("raw_kafka_records_per_s", Math.round(raw[r]))
                    .put("pipeline_records_per_s", Math.round(pipeline[r]))
                    .put("heartbeat_records_per_s", Math.round(heartbeats[r]))
                    .put("raw_cpu_ms_per_record", round3(rawCpu[r]))
                    .put("cpu_ms_per_registration", round3(pipelineCpu[r]))
                    .put("cpu_ms_per_heartbeat", round3(heartbeatCpu[r]));
            // where each round's CPU went: the same figure split by process (each with its children)
            ObjectNode split = ((ObjectNode) roundsJson.get(r)).putObject("cpu_ms_by_process");
            split.set("raw", rawRound.byProcessJson());
            split.set("registration", pipelineRound.byProcessJson());
            split.set("heartbeat", heartbeatRound.byProcessJson());
            System.out.printf(
                    "round %d: raw Kafka %,.0f records/s (%.3f CPU ms each), pipeline to PLANNED %,.0f registrations/s"
                            + " (%.3f CPU ms each), heartbeats %,.0f/s (%.3f CPU ms each) (N=%d)%n",
                    r + 1, raw[r], rawCpu[r], pipeline[r], pipelineCpu[r], heartbeats[r], heartbeatCpu[r], n);
            System.out.printf(
                    "round %d: CPU ms per registration by process %s, per heartbeat %s%n",
                    r + 1, pipelineRound.byProcessJson(), heartbeatRound.byProcessJson());
        }
        Arrays.sort(raw);
        Arrays.sort(pipeline);
        Arrays.sort(heartbeats);
        result.put("n", n);
        result.put("rounds", rounds);
        result.put("raw_kafka_records_per_s", Math.round(raw[rounds / 2]));
        result.put("pipeline_records_per_s", Math.round(pipeline[rounds / 2]));
        result.put("ratio", Math.round(pipeline[rounds / 2] / raw[rounds / 2] * 1000) / 1000.0);
        result.put("heartbeat_records_per_s", Math.round(heartbeats[rounds / 2]));
        result.put("heartbeat_ratio", Math.round(heartbeats[rounds / 2] / raw[rounds / 2] * 1000) / 1000.0);
        // CPU of every process of the stack (services, PostgreSQL with its backends, Kafka) over the round, per record
        result.put("raw_cpu_ms_per_record", round3(medianOf(rawCpu)));
        result.put("cpu_ms_per_registration", round3(medianOf(pipelineCpu)));
        result.put("cpu_ms_per_heartbeat", round3(medianOf(heartbeatCpu)));
        result.put("cpu_processes", stack.size());
        result.set("throughput_rounds", roundsJson);
        // as many latency runs as throughput rounds: the percentiles reported are the medians over the runs, the
        // hops those of the run with the median p99
        List<LatencyRun> runs = new ArrayList<>();
        // and what the stack's CPU costs per registration at that rate: a steadily registering fleet's cost, where a
        // consumer's batch holds a few records and pays the same as a full one (the rounds above: batches of hundreds)
        List<Round> runCpu = new ArrayList<>();
        int sentPerRun = rate * (LATENCY_WARMUP_SECONDS + seconds);
        for (int r = 0; r < rounds; r++) {
            settle(stack);
            LatencyRun[] run = new LatencyRun[1];
            Round cpu = measured(stack, sentPerRun, () -> {
                run[0] = latencyRun(bootstrap, rate, seconds);
                settle(stack);
                return 0;
            });
            runs.add(run[0]);
            runCpu.add(cpu);
            System.out.printf(
                    "latency run %d at %d/s: p50 %d, p95 %d, p99 %d ms (%d samples), %.3f CPU ms per registration %s%n",
                    r + 1,
                    rate,
                    run[0].percentileMs(50),
                    run[0].percentileMs(95),
                    run[0].percentileMs(99),
                    run[0].latencies().length,
                    cpu.cpuMsPerRecord(),
                    cpu.byProcessJson());
        }
        ObjectNode latency = result.putObject("plan_latency_ms");
        latency.put("offered_per_s", rate);
        latency.put("seconds_per_run", seconds);
        latency.put("warmup_seconds_per_run", LATENCY_WARMUP_SECONDS);
        latency.put(
                "samples", runs.stream().mapToInt(run -> run.latencies().length).sum());
        for (int p : new int[] {50, 95, 99}) {
            latency.put(
                    "p" + p,
                    median(runs.stream().mapToLong(run -> run.percentileMs(p)).toArray()));
        }
        List<LatencyRun> byP99 = runs.stream()
                .sorted(Comparator.comparingLong(run -> run.percentileMs(99)))
                .toList();
        latency.set("hops_ms", byP99.get(byP99.size() / 2).hopsJson());
        // every registration a run sent (its first seconds too) over the run and the stack's quiet again after it
        latency.put(
                "cpu_ms_per_registration",
                round3(medianOf(
                        runCpu.stream().mapToDouble(Round::cpuMsPerRecord).toArray())));
        ArrayNode perRun = latency.putArray("runs");
        for (int r = 0; r < runs.size(); r++) {
            LatencyRun run = runs.get(r);
            perRun.addObject()
                    .put("samples", run.latencies().length)
                    .put("p50", run.percentileMs(50))
                    .put("p95", run.percentileMs(95))
                    .put("p99", run.percentileMs(99))
                    .put("cpu_ms_per_registration", round3(runCpu.get(r).cpuMsPerRecord()))
                    .set("cpu_ms_by_process", runCpu.get(r).byProcessJson());
        }
        settle(stack);
        long[] rawHop = rawLatencyRun(bootstrap, rate, seconds);
        System.out.printf(
                "raw Kafka, one hop at %d/s: p50 %d, p99 %d ms (%d samples)%n",
                rate, percentile(rawHop, 50), percentile(rawHop, 99), rawHop.length);
        latency.putObject("raw_kafka_one_hop")
                .put("samples", rawHop.length)
                .put("p50", percentile(rawHop, 50))
                .put("p99", percentile(rawHop, 99));
        ObjectNode rss = result.putObject("rss_mib");
        for (String service : List.of("inventory", "planner", "executor")) {
            long pid = Long.parseLong(Files.readString(state.resolve("pids").resolve(service + ".pid"))
                    .trim());
            rss.put(service, ProcessStats.peakRssMib(pid));
        }
        System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result));
        if (args.length > 6) {
            Files.writeString(Path.of(args[6]), JSON.writeValueAsString(result));
        }
        System.exit(0);
    }

    /**
     * A round's records per second, the stack's CPU milliseconds per record over it, and the same split by process
     * (name to milliseconds per record).
     */
    record Round(double perSecond, double cpuMsPerRecord, Map<String, Double> byProcess) {
        ObjectNode byProcessJson() {
            ObjectNode out = JSON.createObjectNode();
            byProcess.forEach((name, ms) -> out.put(name, round3(ms)));
            return out;
        }
    }

    interface Rate {
        double run() throws Exception;
    }

    static Round measured(Map<String, Long> stack, int n, Rate round) throws Exception {
        Map<String, Double> before = cpuByProcess(stack);
        double totalBefore = ProcessStats.treeCpuSeconds(stack.values());
        double perSecond = round.run();
        double totalAfter = ProcessStats.treeCpuSeconds(stack.values());
        Map<String, Double> after = cpuByProcess(stack);
        Map<String, Double> byProcess = new LinkedHashMap<>();
        before.forEach((name, seconds) -> byProcess.put(name, (after.get(name) - seconds) * 1000 / n));
        return new Round(perSecond, stack.isEmpty() ? -1 : (totalAfter - totalBefore) * 1000 / n, byProcess);
    }

    /** The stack counts as quiet while its processes but the executor use less than this share of one core. */
    static final double QUIET_CORES = 0.2;

    /**
     * Waits until the stack (all its processes but the executor, which carries out the plans at its own pace) has
     * used less than {@link #QUIET_CORES} of a core in each of two consecutive 250 ms intervals, at most 60 s.
     */
    static void settle(Map<String, Long> stack) throws InterruptedException {
        List<Long> pids = stack.entrySet().stream()
                .filter(e -> !e.getKey().equals("executor"))
                .map(Map.Entry::getValue)
                .toList();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        double last = ProcessStats.treeCpuSeconds(pids);
        int quiet = 0;
        while (quiet < 2 && System.nanoTime() < deadline) {
            Thread.sleep(250);
            double now = ProcessStats.treeCpuSeconds(pids);
            quiet = now - last < QUIET_CORES * 0.25 ? quiet + 1 : 0;
            last = now;
        }
    }

    /**
     * CPU seconds of each process of the stack with its children (PostgreSQL's backends), by name; a process under two
     * names (the postmaster under the launcher that started it) is counted under the first.
     */
    static Map<String, Double> cpuByProcess(Map<String, Long> stack) {
        Map<String, Double> out = new LinkedHashMap<>();
        Set<Long> seen = new HashSet<>();
        stack.forEach((name, pid) -> out.put(name, ProcessStats.treeCpuSeconds(List.of(pid), seen)));
        return out;
    }

    /** The local stack's processes whose pid files exist: services, Kafka, PostgreSQL (its postmaster). */
    static Map<String, Long> stackPids(Path state) {
        Map<String, Long> pids = new LinkedHashMap<>();
        for (String name : List.of("inventory", "planner", "executor", "kafka", "postmaster", "postgres")) {
            Path file = state.resolve("pids").resolve(name + ".pid");
            try {
                String first = Files.readString(file).trim().split("\\s+")[0];
                pids.put(name, Long.parseLong(first));
            } catch (IOException | NumberFormatException e) {
                // not started by this stack (an outside PostgreSQL): not counted
            }
        }
        return pids;
    }

    static double medianOf(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    static double round3(double value) {
        return Math.round(value * 1000) / 1000.0;
    }

    /**
     * The N registrations of a pipeline round sent again unchanged (heartbeats), then one new registration per
     * partition of {@code fleet.registrations} behind them: registrations/s until every one of those is published on
     * {@code fleet.nodes}, by when the heartbeats before them on their partition were all consumed.
     */
    static double heartbeatRound(String bootstrap, int n, String prefix) throws Exception {
        try (KafkaConsumer<String, String> nodes = consumerAtEnd(bootstrap, Topics.NODES);
                KafkaProducer<String, String> producer = producer(bootstrap)) {
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                ObjectNode reg = IngestThroughput.registration(prefix + i, i);
                producer.send(new ProducerRecord<>(
                        Topics.REGISTRATIONS, reg.get("deviceId").asText(), reg.toString()));
            }
            int partitions = markersConsumed(producer, nodes, TimeUnit.MINUTES.toNanos(30), "the heartbeats");
            return (n + partitions) / ((System.nanoTime() - start) / 1e9);
        }
    }

    /**
     * One new registration per partition of {@code fleet.registrations}, sent behind what the producer sent before,
     * and a wait (up to {@code timeoutNanos}) until each is published on {@code fleet.nodes} ({@code nodes} reads it from
     * its end), by when the records before them on their partition were all consumed. Returns the partitions' number.
     */
    static int markersConsumed(
            KafkaProducer<String, String> producer,
            KafkaConsumer<String, String> nodes,
            long timeoutNanos,
            String before) {
        String markerPrefix = "marker-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        int partitions = producer.partitionsFor(Topics.REGISTRATIONS).size();
        for (int p = 0; p < partitions; p++) {
            ObjectNode reg = IngestThroughput.registration(markerPrefix + p, 0);
            producer.send(new ProducerRecord<>(
                    Topics.REGISTRATIONS, p, reg.get("deviceId").asText(), reg.toString()));
        }
        producer.flush();
        Set<String> seen = new HashSet<>();
        long deadline = System.nanoTime() + timeoutNanos;
        while (seen.size() < partitions && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> rec : nodes.poll(Duration.ofMillis(100))) {
                String nodeId = nodeIdOf(rec.value(), markerPrefix);
                if (nodeId != null) {
                    seen.add(nodeId);
                }
            }
        }
        if (seen.size() < partitions) {
            throw new IllegalStateException(
                    before + " were not consumed in " + TimeUnit.NANOSECONDS.toMinutes(timeoutNanos) + " min");
        }
        return partitions;
    }

    /**
     * Waits (up to 2 minutes) until the inventory has written the last-seen times of the round's {@code n} nodes, all
     * seen since {@code since}: a range of the key of {@code node_heartbeat} counted twice a second. A database it
     * cannot read (an outside PostgreSQL: set {@code -Dbench.inventory-jdbc}) is said and not waited for.
     */
    static void awaitLastSeenWritten(String prefix, int n, Instant since) {
        try (Connection c = DriverManager.getConnection(INVENTORY_DB, "postgres", "postgres");
                PreparedStatement count = c.prepareStatement("select count(*) from node_heartbeat"
                        + " where node_id >= ? and node_id < ? and seen_at >= ?")) {
            count.setString(1, prefix);
            count.setString(2, prefix + Character.MAX_VALUE);
            count.setTimestamp(3, Timestamp.from(since));
            await().atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        try (ResultSet r = count.executeQuery()) {
                            return r.next() && r.getLong(1) >= n;
                        }
                    });
        } catch (SQLException e) {
            System.err.println("the last-seen flush is not waited for (" + e.getMessage()
                    + "): cpu_ms_per_heartbeat leaves it out");
        }
    }

    /** N records produced and consumed concurrently with plain clients: records/s until the last one is consumed. */
    static double rawRound(String bootstrap, int n) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        try (KafkaConsumer<String, String> consumer = consumerAtEnd(bootstrap, RAW_TOPIC);
                KafkaProducer<String, String> producer = producer(bootstrap)) {
            long start = System.nanoTime();
            Thread sender = new Thread(() -> {
                for (int i = 0; i < n; i++) {
                    ObjectNode reg = IngestThroughput.registration("raw-" + run + "-" + i, i);
                    producer.send(
                            new ProducerRecord<>(RAW_TOPIC, reg.get("deviceId").asText(), reg.toString()));
                }
                producer.flush();
            });
            sender.start();
            int seen = 0;
            while (seen < n) {
                for (ConsumerRecord<String, String> rec : consumer.poll(Duration.ofMillis(200))) {
                    if (rec.key().startsWith("raw-" + run + "-")) {
                        JSON.readTree(rec.value()); // parse, as any consumer of the records would
                        seen++;
                    }
                }
            }
            sender.join();
            return n / ((System.nanoTime() - start) / 1e9);
        }
    }

    /**
     * The floor of a latency run: registration-sized records at the same offered rate through one topic with plain
     * clients (the producer settings of the services' relays), milliseconds from send to seen, sorted; the records of
     * the first {@link #LATENCY_WARMUP_SECONDS} are not counted. The pipeline crosses three such hops.
     */
    static long[] rawLatencyRun(String bootstrap, int rate, int seconds) throws Exception {
        String prefix = "rawlat-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        int warmup = rate * LATENCY_WARMUP_SECONDS;
        int total = warmup + rate * seconds;
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        List<Long> latencies = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumerAtEnd(bootstrap, RAW_TOPIC);
                KafkaProducer<String, String> producer = producer(bootstrap)) {
            Thread sender = pacedSender(producer, RAW_TOPIC, prefix, total, rate, sentAt);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LATENCY_WARMUP_SECONDS + seconds + 60L);
            int seen = 0;
            while (seen < total && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> rec : consumer.poll(Duration.ofMillis(50))) {
                    long now = System.currentTimeMillis();
                    Long at = rec.key() == null ? null : sentAt.remove(rec.key());
                    if (at == null) {
                        continue;
                    }
                    JSON.readTree(rec.value()); // parse, as any consumer of the records would
                    seen++;
                    if (Integer.parseInt(rec.key().substring(prefix.length())) >= warmup) {
                        latencies.add(now - at);
                    }
                }
            }
            sender.join();
        }
        return latencies.stream().mapToLong(Long::longValue).sorted().toArray();
    }

    /**
     * Starts a thread that sends registrations {@code prefix + i} for i below {@code total} to {@code topic} at
     * {@code rate} a second, each one's send time (epoch milliseconds) in {@code sentAt} by its id, and flushes.
     */
    static Thread pacedSender(
            KafkaProducer<String, String> producer,
            String topic,
            String prefix,
            int total,
            int rate,
            Map<String, Long> sentAt) {
        return pacedSender(producer, topic, prefix, total, total, rate, sentAt);
    }

    /**
     * As above, cycling over {@code distinct} nodes: the k-th record is registration {@code prefix + (k % distinct)},
     * the same each time it comes round (a heartbeat once the node is known); {@code sentAt} may be null.
     */
    static Thread pacedSender(
            KafkaProducer<String, String> producer,
            String topic,
            String prefix,
            int total,
            int distinct,
            int rate,
            Map<String, Long> sentAt) {
        Thread sender = new Thread(() -> {
            long start = System.nanoTime();
            for (int k = 0; k < total; k++) {
                long due = start + (long) (k * 1e9 / rate);
                long now = System.nanoTime();
                if (due > now) {
                    LockSupport.parkNanos(due - now);
                }
                int i = k % distinct;
                ObjectNode reg = IngestThroughput.registration(prefix + i, i);
                String id = reg.get("deviceId").asText();
                if (sentAt != null) {
                    sentAt.put(id, System.currentTimeMillis());
                }
                producer.send(new ProducerRecord<>(topic, id, reg.toString()));
            }
            producer.flush();
        });
        sender.start();
        return sender;
    }

    /** N registrations into fleet.registrations: registrations/s until the last one's PLANNED or BLOCKED is seen. */
    static double pipelineRound(String bootstrap, int n, String prefix) throws Exception {
        try (KafkaConsumer<String, String> status = consumerAtEnd(bootstrap, Topics.STATUS);
                KafkaProducer<String, String> producer = producer(bootstrap)) {
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                ObjectNode reg = IngestThroughput.registration(prefix + i, i);
                producer.send(new ProducerRecord<>(
                        Topics.REGISTRATIONS, reg.get("deviceId").asText(), reg.toString()));
            }
            producer.flush();
            Set<String> planned = new HashSet<>();
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(30);
            while (planned.size() < n && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> rec : status.poll(Duration.ofMillis(200))) {
                    String nodeId = decided(rec.value(), prefix);
                    if (nodeId != null) {
                        planned.add(nodeId);
                    }
                }
            }
            if (planned.size() < n) {
                throw new IllegalStateException(
                        "only " + planned.size() + " of " + n + " registrations were planned in 30 min");
            }
            return n / ((System.nanoTime() - start) / 1e9);
        }
    }

    /**
     * Seconds each latency run sends at its rate before the samples it keeps ({@code bench.latency.warmup-seconds}, 3
     * by default): the probe's new consumer, its first fetches and the services' step from idle to the offered rate
     * are the run's start, not the pipeline at that rate (docs/benchmarks.md, 2026-12-05 13:55).
     */
    static final int LATENCY_WARMUP_SECONDS = Integer.getInteger("bench.latency.warmup-seconds", 3);

    /**
     * Registrations at a steady offered rate for a while; latency from send to the PLANNED/BLOCKED event seen, for
     * the registrations sent after the first {@link #LATENCY_WARMUP_SECONDS} (those before are sent and followed the
     * same way, and not counted). Also
     * where each registration waited, from the timestamps every hop leaves: the CloudEvents {@code ce_time} of an
     * event is when a service wrote it to its outbox (inside the consumer's transaction), the record's own timestamp
     * is when the outbox relay sent it. Hops: consumed and processed by inventory, relayed to fleet.nodes, consumed
     * and processed by the planner, relayed to onboarding.status, seen by this client.
     */
    static LatencyRun latencyRun(String bootstrap, int rate, int seconds) throws Exception {
        String prefix = "lat-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        int warmup = rate * LATENCY_WARMUP_SECONDS;
        int total = warmup + rate * seconds;
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        Map<String, long[]> nodeStamps = new HashMap<>();
        List<Long> latencies = new ArrayList<>();
        List<long[]> hops = new ArrayList<>();
        try (KafkaConsumer<String, String> events = consumerAtEnd(bootstrap, Topics.STATUS, Topics.NODES);
                KafkaProducer<String, String> producer = producer(bootstrap)) {
            Thread sender = pacedSender(producer, Topics.REGISTRATIONS, prefix, total, rate, sentAt);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LATENCY_WARMUP_SECONDS + seconds + 120L);
            int seen = 0;
            while (seen < total && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> rec : events.poll(Duration.ofMillis(50))) {
                    long now = System.currentTimeMillis();
                    // the probe shares the 2 cores with the pipeline: it parses only the events of its own nodes
                    // (a node's status is keyed by its node id; fleet.nodes by its cluster, so the value is looked at)
                    if (rec.value() == null || !rec.value().contains(prefix)) {
                        continue;
                    }
                    if (rec.topic().equals(Topics.NODES)) {
                        String nodeId = nodeIdOf(rec.value(), prefix);
                        if (nodeId != null) {
                            nodeStamps.put(nodeId, new long[] {ceTime(rec), rec.timestamp()});
                        }
                        continue;
                    }
                    String nodeId =
                            (rec.key() == null || rec.key().startsWith(prefix)) ? decided(rec.value(), prefix) : null;
                    Long at = nodeId == null ? null : sentAt.remove(nodeId);
                    if (at != null) {
                        seen++;
                        if (Integer.parseInt(nodeId.substring(prefix.length())) < warmup) {
                            nodeStamps.remove(nodeId);
                            continue;
                        }
                        latencies.add(now - at);
                        long[] node = nodeStamps.remove(nodeId);
                        if (node != null) {
                            hops.add(new long[] {
                                node[0] - at,
                                node[1] - node[0],
                                ceTime(rec) - node[1],
                                rec.timestamp() - ceTime(rec),
                                now - rec.timestamp()
                            });
                        }
                    }
                }
            }
            sender.join();
        }
        return new LatencyRun(
                latencies.stream().mapToLong(Long::longValue).sorted().toArray(), hops);
    }

    /** Latencies (sorted) and, per registration, the milliseconds spent in each of the {@link #HOPS}. */
    record LatencyRun(long[] latencies, List<long[]> hops) {
        long percentileMs(int p) {
            return PipelineBench.percentile(latencies, p);
        }

        ObjectNode hopsJson() {
            ObjectNode out = JSON.createObjectNode();
            for (int h = 0; h < HOPS.length; h++) {
                int hop = h;
                long[] sorted = hops.stream().mapToLong(x -> x[hop]).sorted().toArray();
                out.putObject(HOPS[h]).put("p50", percentile(sorted, 50)).put("p99", percentile(sorted, 99));
            }
            return out;
        }
    }

    static final String[] HOPS = {
        "inventory_consume_and_write",
        "inventory_commit_and_relay",
        "planner_consume_and_write",
        "planner_commit_and_relay",
        "status_to_client"
    };

    static String nodeIdOf(String value, String prefix) {
        try {
            String nodeId = JSON.readTree(value).path("nodeId").asText("");
            return nodeId.startsWith(prefix) ? nodeId : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** When the service wrote the event to its outbox (its {@code ce_time}), else the record's timestamp. */
    static long ceTime(ConsumerRecord<String, String> rec) {
        Header time = rec.headers().lastHeader(EventTypes.CE_TIME);
        return time == null
                ? rec.timestamp()
                : Instant.parse(new String(time.value(), StandardCharsets.UTF_8))
                        .toEpochMilli();
    }

    private static String decided(String value, String prefix) {
        try {
            JsonNode event = JSON.readTree(value);
            String type = event.path("type").asText();
            String nodeId = event.path("nodeId").asText("");
            return ("PLANNED".equals(type) || "BLOCKED".equals(type)) && nodeId.startsWith(prefix) ? nodeId : null;
        } catch (IOException e) {
            return null;
        }
    }

    static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    static long percentile(long[] sorted, int p) {
        if (sorted.length == 0) {
            return -1;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    static KafkaProducer<String, String> producer(String bootstrap) {
        return new KafkaProducer<>(BenchKafka.config(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.LINGER_MS_CONFIG,
                5,
                ProducerConfig.COMPRESSION_TYPE_CONFIG,
                "lz4",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class.getName())));
    }

    static KafkaConsumer<String, String> consumerAtEnd(String bootstrap, String... topics) {
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(BenchKafka.config(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                2000,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class.getName())));
        List<TopicPartition> partitions = Arrays.stream(topics)
                .flatMap(topic -> consumer.partitionsFor(topic).stream())
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        return consumer;
    }
}
