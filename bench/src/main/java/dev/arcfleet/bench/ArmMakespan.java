package dev.arcfleet.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.arcfleet.contracts.Capability;
import dev.arcfleet.contracts.OnboardingPlan;
import dev.arcfleet.contracts.Route;
import dev.arcfleet.contracts.Target;
import dev.arcfleet.contracts.TargetKind;
import dev.arcfleet.contracts.Topics;
import dev.arcfleet.local.stack.ServiceProcess;
import dev.arcfleet.testsupport.LocalKafka;
import dev.arcfleet.testsupport.PlanRecords;
import dev.arcfleet.testsupport.arm.ArmEmulator;
import dev.arcfleet.testsupport.arm.LiveExecutorEnvironment;
import dev.arcfleet.testsupport.kube.FleetSimulator;
import dev.arcfleet.testsupport.kube.MockClusters;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Executor makespan against ARM's write budget: M clusters through ARC_K8S (connected cluster plus E extensions each)
 * by the packaged executor in live mode, against the ARM emulator with the given per-subscription bucket and operation
 * latency, one mock API server per cluster, agents simulated. Reports the makespan (first plan published to last plan
 * SUCCEEDED) against the lower bound the budget allows: the writes beyond the burst over the refill rate, plus the
 * longest chain of operation latencies (the connected cluster, then each extension in turn), the 429 count and the
 * executor's peak RSS. Brings its own KRaft broker and PostgreSQL, like the tests. With {@code -Dbench.replicas=N}
 * (default 1) N executor processes share the database, the consumer group and so the one write budget; CPU is then
 * their sum and the peak RSS the largest of them. With {@code -Dbench.executor.jfr=<file>} the executor records a
 * flight recording (JFR, profile settings) into the file.
 *
 * <p>Usage: {@code ArmMakespan clusters extensions burst writesPerSecond latencyMs [out.json]}
 */
public final class ArmMakespan {
    static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final List<Capability> EXTENSIONS =
            List.of(Capability.MONITOR, Capability.POLICY, Capability.GITOPS, Capability.DEFENDER);

    private ArmMakespan() {}

    public static void main(String[] args) throws Exception {
        int clusters = Integer.parseInt(args[0]);
        int extensions = Integer.parseInt(args[1]);
        int burst = Integer.parseInt(args[2]);
        double rate = Double.parseDouble(args[3]);
        Duration latency = Duration.ofMillis(Long.parseLong(args[4]));
        Path out = args.length > 5 ? Path.of(args[5]) : null;
        ObjectNode result;
        try {
            // measured before the run, on an otherwise quiet JVM
            double keygen = keygenSeconds();
            result = run(clusters, extensions, burst, rate, latency, keygen, Integer.getInteger("bench.replicas", 1));
        } catch (Exception | Error e) {
            e.printStackTrace();
            System.exit(1);
            return;
        }
        System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result));
        if (out != null) {
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result));
        }
        System.exit(0);
    }

    static ObjectNode run(
            int clusterCount, int extensions, int burst, double rate, Duration latency, double keygen, int replicas)
            throws Exception {
        Path root =
                Path.of(System.getProperty("fleet.root", ".")).toAbsolutePath().normalize();
        String run = "mk" + UUID.randomUUID().toString().substring(0, 6);
        String subscription = UUID.randomUUID().toString();
        Path dir = Files.createTempDirectory("arm-makespan");
        List<String> ids =
                IntStream.range(0, clusterCount).mapToObj(i -> run + "-" + i).toList();
        String planTopic = "bench." + run + ".plans.arc-k8s";
        LocalKafka.createTopics(List.of(planTopic, Topics.STATUS, Topics.deadLetter(planTopic)));
        try (ArmEmulator arm = new ArmEmulator(burst, rate, latency).start();
                MockClusters clusters = MockClusters.start(dir.resolve("kubeconfigs"), ids);
                // the simulated agents look at every cluster once per period: a second for a thousand clusters
                FleetSimulator simulator = new FleetSimulator(
                                arm, clusters, Duration.ofMillis(Math.max(200, clusterCount)), false)
                        .start()) {
            Map<String, String> env = LiveExecutorEnvironment.of(
                    arm,
                    clusters,
                    "executor_" + run,
                    subscription,
                    run,
                    Files.writeString(dir.resolve("token"), "bench-token"));
            env.put("EXECUTOR_AZURE_WRITE_BURST", Integer.toString(burst));
            env.put("EXECUTOR_AZURE_WRITES_PER_SECOND", Double.toString(rate));
            // poll operations and conditions at a fifth of the operation latency, at least every 50 ms
            env.put("EXECUTOR_AZURE_POLL_INTERVAL", Math.max(50, latency.toMillis() / 5) + "ms");
            env.put("MP_MESSAGING_INCOMING_PLANS_ARC_K8S_IN_TOPIC", planTopic);
            env.put("MP_MESSAGING_INCOMING_PLANS_ARC_K8S_IN_GROUP_ID", "bench-" + run);
            env.put("MP_MESSAGING_INCOMING_PLANS_ARC_K8S_IN_DEAD_LETTER_QUEUE_TOPIC", Topics.deadLetter(planTopic));
            String jfr = System.getProperty("bench.executor.jfr");
            if (jfr != null) {
                // -Dbench.executor.jfr=<file>: a flight recording of the executor (profile settings) for the run
                env.put("JAVA_TOOL_OPTIONS", "-XX:StartFlightRecording=filename=" + jfr + ",settings=profile");
            }
            env.put("MP_MESSAGING_INCOMING_PLANS_COMPANION_VM_IN_ENABLED", "false");
            env.put("MP_MESSAGING_INCOMING_PLANS_IOT_OPERATIONS_IN_ENABLED", "false");
            List<ServiceProcess> executors = new ArrayList<>();
            try (KafkaConsumer<String, String> status = statusConsumer()) {
                List<ServiceProcess> launched = IntStream.range(0, replicas)
                        .mapToObj(i ->
                                ServiceProcess.start(root, "executor-service", env, root.resolve("bench/target/logs")))
                        .toList();
                executors.addAll(launched);
                for (ServiceProcess executor : launched) {
                    executor.awaitReady(Duration.ofSeconds(120L * replicas));
                }
                List<OnboardingPlan> plans =
                        ids.stream().map(id -> plan(id, extensions)).toList();
                Set<String> pending =
                        new HashSet<>(plans.stream().map(OnboardingPlan::planId).toList());
                int failed = 0;
                double executorCpuBefore = cpuSeconds(executors);
                double benchCpuBefore =
                        ProcessStats.cpuSeconds(ProcessHandle.current().pid());
                long start = System.nanoTime();
                publish(planTopic, plans);
                long last = start;
                double bound = lowerBound(clusterCount, extensions, burst, rate, latency);
                long deadline = start + (long) ((bound * 4 + 180) * 1e9);
                while (!pending.isEmpty() && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, String> r : status.poll(Duration.ofMillis(200))) {
                        JsonNode event = JSON.readTree(r.value());
                        String type = event.path("type").asText();
                        String planId = event.path("planId").asText();
                        if (("SUCCEEDED".equals(type) || "FAILED".equals(type)) && pending.remove(planId)) {
                            last = System.nanoTime();
                            failed += "FAILED".equals(type) ? 1 : 0;
                        }
                    }
                }
                double makespan = (last - start) / 1e9;
                double executorCpu = cpuSeconds(executors) - executorCpuBefore;
                // the agent keys the executors generated in the run, and the CPU those took (their own counters)
                double keyCpu = 0;
                long keys = 0;
                for (ServiceProcess executor : executors) {
                    keyCpu += metric(executor, "arcfleet_executor_agent_key_cpu_seconds_total");
                    keys += Math.round(metric(executor, "arcfleet_executor_agent_keys_total"));
                }
                double benchCpu =
                        ProcessStats.cpuSeconds(ProcessHandle.current().pid()) - benchCpuBefore;
                ObjectNode result = JSON.createObjectNode();
                result.put("executors", replicas);
                result.put("clusters", clusterCount);
                result.put("extensions_per_cluster", extensions);
                result.put("write_burst", burst);
                result.put("writes_per_s", rate);
                result.put("operation_latency_ms", latency.toMillis());
                result.put("arm_writes", arm.writes());
                result.put("arm_makespan_s", round(makespan));
                result.put("arm_lower_bound_s", round(bound));
                result.put("makespan_to_bound", round(makespan / bound));
                // each cluster needs an RSA 4096 agent key pair: CPU no write budget can hide on a small machine. The
                // floor is the key generation CPU the executors counted in this run (keys vary a lot: the search for
                // primes has a long tail, and the machine is shared); the keys measured alone before the run are
                // reported beside it, and are the floor when the executors counted none
                double perKey = keys > 0 ? keyCpu / keys : keygen;
                double cpuFloor = clusterCount
                        * perKey
                        / Integer.getInteger("bench.cpus", Runtime.getRuntime().availableProcessors());
                result.put("agent_keys_generated", keys);
                result.put("keygen_ms_per_key", Math.round(perKey * 1000));
                result.put("keygen_ms_per_key_alone", Math.round(keygen * 1000));
                result.put("keygen_cpu_floor_s", round(cpuFloor));
                result.put("makespan_to_max_floor", round(makespan / Math.max(bound, cpuFloor)));
                // where the machine's CPU went during the makespan: the executor, and this JVM (broker, ARM emulator,
                // mock API servers, simulated agents); PostgreSQL is not counted
                result.put("executor_cpu_s", round(executorCpu));
                result.put("executor_cpu_ms_per_cluster", Math.round(executorCpu * 1000 / clusterCount));
                result.put("harness_cpu_s", round(benchCpu));
                // whether the machine's CPU, not ARM or key generation alone, set the makespan: the CPU the executors
                // and
                // the harness used, spread over every core, as a floor of its own (PostgreSQL not counted, so a low
                // one)
                double cpuUsedFloor = (executorCpu + benchCpu)
                        / Integer.getInteger("bench.cpus", Runtime.getRuntime().availableProcessors());
                result.put("cpu_used_floor_s", round(cpuUsedFloor));
                result.put("makespan_to_cpu_used_floor", round(makespan / cpuUsedFloor));
                result.put("throttled_429", arm.throttled());
                // which budget ran out, and whether its 429s came in a few bursts or all along the run
                ObjectNode byKind = result.putObject("throttled_429_by_kind");
                for (ArmEmulator.Kind kind : ArmEmulator.Kind.values()) {
                    java.util.SortedMap<Long, Integer> seconds = arm.throttledPerSecond(kind);
                    ObjectNode k = byKind.putObject(kind.name().toLowerCase(java.util.Locale.ROOT));
                    k.put("count", arm.throttled(kind));
                    k.put("seconds_with_429", seconds.size());
                    k.put(
                            "busiest_second",
                            seconds.values().stream()
                                    .mapToInt(Integer::intValue)
                                    .max()
                                    .orElse(0));
                }
                // the reads a cluster took (operation polls, GETs), against ARM's 25 a second per principal
                long reads = arm.passedPerSecond(ArmEmulator.Kind.READ).values().stream()
                        .mapToLong(Integer::longValue)
                        .sum();
                result.put("arm_reads_per_cluster", round((double) reads / clusterCount));
                // of which polls of long-running operations (the rest: GETs of resources), 429s included
                long polls = arm.requests().stream()
                        .filter(r -> r.method().equals("GET")
                                && (r.path().contains("/operations/")
                                        || r.path().contains("/operationResults/")))
                        .count();
                result.put("arm_operation_polls_per_cluster", round((double) polls / clusterCount));
                // every GET (429s included) by what it read: operation polls, one resource type, or a list of one
                ObjectNode byType = result.putObject("arm_gets_per_cluster_by_type");
                arm.requests().stream()
                        .filter(r -> r.method().equals("GET"))
                        .collect(java.util.stream.Collectors.groupingBy(
                                r -> readType(r.path()),
                                java.util.TreeMap::new,
                                java.util.stream.Collectors.counting()))
                        .forEach((type, n) -> byType.put(type, round((double) n / clusterCount)));
                // how long ARM's read bucket (250, then 25 a second) takes to pass the reads this run made: a bound of
                // the polling this executor chose, not of the work
                double readBound = Math.max(0, reads - 250) / 25.0;
                result.put("arm_read_bound_s", round(readBound));
                result.put("makespan_to_read_bound", readBound == 0 ? 0 : round(makespan / readBound));
                result.put("plans_failed", failed);
                result.put("plans_unfinished", pending.size());
                result.put(
                        "created_twice",
                        arm.creations().values().stream().filter(n -> n > 1).count());
                long peakRss = 0;
                for (ServiceProcess executor : executors) {
                    peakRss = Math.max(peakRss, ProcessStats.peakRssMib(executor.pid()));
                }
                result.put("executor_peak_rss_mib", peakRss);
                return result;
            } finally {
                executors.forEach(ServiceProcess::close);
            }
        }
    }

    /** One metric's value on a service's Prometheus endpoint, summed over its series (0 when absent). */
    static double metric(ServiceProcess service, String name) throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(service.baseUrl() + "/q/metrics"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(service.baseUrl() + "/q/metrics answered " + r.statusCode());
        }
        return r.body()
                .lines()
                .filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    private static double cpuSeconds(List<ServiceProcess> executors) {
        double sum = 0;
        for (ServiceProcess executor : executors) {
            sum += ProcessStats.cpuSeconds(executor.pid());
        }
        return sum;
    }

    /** Writes beyond the burst over the refill rate, plus the chain: connected cluster then each extension in turn. */
    static double lowerBound(int clusters, int extensions, int burst, double rate, Duration latency) {
        long writes = 1 + (long) clusters * (1 + extensions);
        double budget = Math.max(0, writes - burst) / rate;
        return budget + (1 + extensions) * latency.toMillis() / 1000.0;
    }

    /**
     * Seconds of one core per RSA 4096 key pair on this machine: the mean over at least 20 s and 16 keys, after 5 s of
     * warm-up (the JIT compiles BigInteger's arithmetic in the first keys). The mean, not the median: the search for
     * primes has a long tail, and the floor is a sum over a thousand keys.
     */
    static double keygenSeconds() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(4096);
        long warm = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < warm) {
            generator.generateKeyPair();
        }
        long start = System.nanoTime();
        long until = start + Duration.ofSeconds(20).toNanos();
        int n = 0;
        while (n < 16 || System.nanoTime() < until) {
            generator.generateKeyPair();
            n++;
        }
        return (System.nanoTime() - start) / 1e9 / n;
    }

    static OnboardingPlan plan(String cluster, int extensions) {
        return new OnboardingPlan(
                UUID.randomUUID().toString(),
                "corr-" + UUID.randomUUID(),
                Instant.now(),
                UUID.randomUUID().toString(),
                "r1",
                Route.ARC_K8S,
                new Target(TargetKind.CLUSTER, cluster),
                List.of(cluster),
                EXTENSIONS.subList(0, extensions),
                List.of(),
                null,
                "bench",
                Map.of("distribution", "k3s"));
    }

    static void publish(String topic, List<OnboardingPlan> plans) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, LocalKafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()))) {
            for (OnboardingPlan plan : plans) {
                producer.send(PlanRecords.of(topic, plan, JSON.writeValueAsString(plan)));
            }
            producer.flush();
        }
    }

    static KafkaConsumer<String, String> statusConsumer() {
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, LocalKafka.bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName()));
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.STATUS).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        return consumer;
    }

    /**
     * What a GET read: "operation" for a poll of a long-running operation, else the resource type it names
     * ("connectedClusters"), or "list of" the type when the path ends in a collection.
     */
    static String readType(String path) {
        if (path.contains("/operations/") || path.contains("/operationResults/")) {
            return "operation";
        }
        String[] parts = java.util.Arrays.stream(path.split("/"))
                .filter(p -> !p.isEmpty())
                .toArray(String[]::new);
        if (parts.length == 0) {
            return "other";
        }
        return parts.length % 2 == 0 ? parts[parts.length - 2] : "list of " + parts[parts.length - 1];
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
