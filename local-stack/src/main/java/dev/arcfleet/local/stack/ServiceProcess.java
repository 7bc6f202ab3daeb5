package dev.arcfleet.local.stack;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A packaged service ({@code <module>/target/quarkus-app/quarkus-run.jar}) as its own JVM process, its output appended
 * to a log file. {@link LocalStack} launches the stack's services with {@link #launch} (detached, on their fixed
 * ports); the end-to-end tests and the benchmarks {@link #start} one that belongs to their JVM, on a free port, and
 * may {@link #kill()} it.
 */
public final class ServiceProcess implements AutoCloseable {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final Process process;
    private final int port;
    private final Path log;

    private ServiceProcess(String name, Process process, int port, Path log) {
        this.name = name;
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** {@code module}'s packaged jar under the checkout {@code root}. */
    public static Path jar(Path root, String module) {
        return root.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
    }

    /**
     * Launches the packaged {@code jar} with {@code jvmOptions} on {@code port} ({@code QUARKUS_HTTP_PORT}), with
     * {@code env} added and its output appended to {@code log}; a detached one outlives this JVM.
     */
    public static Process launch(
            Path jar, List<String> jvmOptions, Map<String, String> env, int port, Path log, boolean detached) {
        List<String> command = new ArrayList<>();
        command.add(Launch.java());
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString()));
        Map<String, String> processEnv = new HashMap<>(env);
        processEnv.put("QUARKUS_HTTP_PORT", String.valueOf(port));
        return Launch.start(command, processEnv, log, detached);
    }

    /**
     * Starts {@code module}'s packaged jar found under {@code root} on a free port, with {@code env} added and its log
     * in {@code logDir/<module>.log}; the process belongs to this JVM (tests, benchmarks).
     */
    public static ServiceProcess start(Path root, String module, Map<String, String> env, Path logDir) {
        Path jar = jar(root, module);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " does not exist: package " + module + " first");
        }
        int port = Launch.freePort();
        Path log = logDir.resolve(module + ".log");
        List<String> options = new ArrayList<>(TEST_JVM_OPTIONS);
        // the executor has its own: its RSA keys need C2 (the BigInteger Montgomery intrinsics are C2's only)
        options.addAll(extraTestOptions(
                module.equals("executor-service") ? EXECUTOR_EXTRA_OPTIONS_PROPERTY : EXTRA_OPTIONS_PROPERTY));
        Map<String, String> processEnv = new HashMap<>(TEST_KAFKA_ENV);
        processEnv.putAll(env);
        return new ServiceProcess(module, launch(jar, List.copyOf(options), processEnv, port, log, false), port, log);
    }

    /**
     * The Kafka consumer settings of a service {@link #start}ed for a test or a benchmark, unless {@code env} names
     * its own: the broker gives a killed consumer's partitions to the group's other members once its session times
     * out, and Kafka's default session (45 s, chosen for cloud networks) made a test that kills and restarts a
     * service wait most of a minute per kill for its own partitions. Kafka's earlier default (10 s) is enough on one
     * machine. A graceful stop pauses each incoming channel and waits twice its poll timeout (SmallRye's
     * {@code KafkaSource.grace}), channel after channel: at the connector's default of 1 s that was 6-9 s per stop of
     * a test's service; 100 ms polls keep the same pause and drain in under a second. The services' own configuration
     * keeps Kafka's and SmallRye's defaults.
     */
    static final Map<String, String> TEST_KAFKA_ENV = Map.of(
            "KAFKA_SESSION_TIMEOUT_MS", "10000",
            "KAFKA_HEARTBEAT_INTERVAL_MS", "3000",
            "MP_MESSAGING_CONNECTOR_SMALLRYE_KAFKA_POLL_TIMEOUT", "100");

    /** Whether the service at {@code baseUrl} answers 200 on {@code /q/health/ready}. */
    public static boolean ready(String baseUrl) {
        try {
            HttpResponse<Void> r = HTTP.send(
                    HttpRequest.newBuilder(URI.create(baseUrl + "/q/health/ready"))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException notListeningYet) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public Path log() {
        return log;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits until {@code /q/health/ready} answers 200, or fails (exited, or not in time) with the tail of the log. */
    public ServiceProcess awaitReady(Duration timeout) {
        Launch.await(name, process.toHandle(), () -> ready(baseUrl()), timeout, log);
        return this;
    }

    /** SIGKILL: the process gets no chance to clean up (crash tests). */
    public void kill() {
        process.destroyForcibly();
        waitFor(10);
    }

    @Override
    public void close() {
        process.destroy();
        awaitStopped();
    }

    /**
     * Stops every one of {@code services} the way {@link #close} stops one, side by side: each is asked to stop
     * (SIGTERM) before any is waited for. A service's graceful stop takes seconds of waiting (SmallRye's Kafka source
     * pauses each consumer and waits twice its poll timeout for records in flight), so stopping a stack one service
     * after the other costs the sum of those waits and stopping them together their longest.
     */
    public static void closeAll(Collection<ServiceProcess> services) {
        services.forEach(s -> s.process.destroy());
        services.forEach(ServiceProcess::awaitStopped);
    }

    private void awaitStopped() {
        if (!waitFor(20)) {
            process.destroyForcibly();
            waitFor(10);
        }
    }

    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(log " + log + " unreadable: " + e.getMessage() + ")";
        }
    }

    private boolean waitFor(int seconds) {
        try {
            return process.waitFor(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Hands memory that glibc keeps after the JVM freed it (compiler arenas, mostly) back to the system every 5 s:
     * about 50 MiB of a live executor's resident set ({@code bin/fleet-local} does not set it; measured for the
     * executor only). The option exists from JDK 17.0.9
     * (experimental there); the services run on this JVM's JDK, so asking this JVM tells whether they accept it.
     */
    static final List<String> TRIM_NATIVE_HEAP = trimNativeHeapOptions();

    /**
     * The JVM options of a service {@link #start}ed for a test or a benchmark. The heap starts small and follows the
     * live set: without -Xms the JVM starts at the full -Xmx on a machine with more than 16 GiB (the young generation
     * alone then touches a third of it), and with the default free ratios (40-70 %) the old generation keeps room for
     * more than half again its live data. A test run adds {@link #EXTRA_OPTIONS_PROPERTY}'s options (the end-to-end
     * tests: the client compiler only) to every service but the executor, and {@link #EXECUTOR_EXTRA_OPTIONS_PROPERTY}'s
     * to the executor (the end-to-end tests: the optimising compiler for {@code java.math} only); a benchmark adds none.
     */
    static final List<String> TEST_JVM_OPTIONS = testJvmOptions();

    /** A system property with more JVM options for the processes a test starts (space-separated). */
    static final String EXTRA_OPTIONS_PROPERTY = "fleet.test.jvm-options";

    /** A system property with more JVM options for the executors a test starts (space-separated). */
    static final String EXECUTOR_EXTRA_OPTIONS_PROPERTY = "fleet.test.executor-jvm-options";

    private static List<String> testJvmOptions() {
        List<String> options = new ArrayList<>(List.of(
                "-Xms64m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:MinHeapFreeRatio=20", "-XX:MaxHeapFreeRatio=40"));
        options.addAll(TRIM_NATIVE_HEAP);
        return List.copyOf(options);
    }

    /** The options system property {@code property} names, none when it is unset or blank. */
    private static List<String> extraTestOptions(String property) {
        String extra = System.getProperty(property, "").trim();
        return extra.isEmpty() ? List.of() : List.of(extra.split("\\s+"));
    }

    private static List<String> trimNativeHeapOptions() {
        try {
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).getVMOption("TrimNativeHeapInterval");
            return List.of("-XX:+UnlockExperimentalVMOptions", "-XX:TrimNativeHeapInterval=5000");
        } catch (IllegalArgumentException e) {
            return List.of();
        }
    }
}
