package dev.arcfleet.testsupport;

import com.sun.management.HotSpotDiagnosticMXBean;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A packaged service ({@code <module>/target/quarkus-app/quarkus-run.jar}) started as its own JVM process, the way
 * {@code bin/fleet-local} and production run it, with its log in a file.
 */
public final class ServiceProcess implements AutoCloseable {
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

    /** Starts {@code module}'s packaged jar found under {@code root} on a free port, with {@code env} added. */
    public static ServiceProcess start(Path root, String module, Map<String, String> env, Path logDir) {
        Path jar = root.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " does not exist: package " + module + " first");
        }
        int port = freePort();
        try {
            Files.createDirectories(logDir);
            Path log = logDir.resolve(module + ".log");
            // the heap starts small and follows the live set: without -Xms the JVM starts at the full -Xmx on a machine
            // with more than 16 GiB (the young generation alone then touches a third of it), and with the default free
            // ratios (40-70 %) the old generation keeps room for more than half again its live data
            List<String> command = new ArrayList<>(List.of(javaBinary(), "-Xms64m", "-Xmx256m", "-XX:+UseSerialGC",
                    "-XX:MinHeapFreeRatio=20", "-XX:MaxHeapFreeRatio=40"));
            command.addAll(TRIM_NATIVE_HEAP);
            command.addAll(List.of("-jar", jar.toString()));
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().putAll(env);
            builder.environment().put("QUARKUS_HTTP_PORT", String.valueOf(port));
            return new ServiceProcess(module, builder.start(), port, log);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + module, e);
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

    /** Waits until {@code /q/health/ready} answers 200, or fails with the tail of the service's log. */
    public ServiceProcess awaitReady(Duration timeout) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create(baseUrl() + "/q/health/ready")).timeout(Duration.ofSeconds(2))
                .build();
        try {
            Awaitility.await(name + " ready").atMost(timeout).pollInterval(Duration.ofMillis(250)).until(() -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException(name + " exited with " + process.exitValue() + "; log tail:\n"
                            + logTail(60));
                }
                try {
                    return http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                } catch (IOException notListeningYet) {
                    return false;
                }
            });
            return this;
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException(name + " not ready after " + timeout + "; log tail:\n" + logTail(60), e);
        }
    }

    /** SIGKILL: the process gets no chance to clean up (crash tests). */
    public void kill() {
        process.destroyForcibly();
        waitFor(10);
    }

    @Override
    public void close() {
        process.destroy();
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

    private static List<String> trimNativeHeapOptions() {
        try {
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).getVMOption("TrimNativeHeapInterval");
            return List.of("-XX:+UnlockExperimentalVMOptions", "-XX:TrimNativeHeapInterval=5000");
        } catch (IllegalArgumentException e) {
            return List.of();
        }
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }
}
