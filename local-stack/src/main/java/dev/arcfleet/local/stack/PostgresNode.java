package dev.arcfleet.local.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * Real PostgreSQL ({@link dev.arcfleet.local.LocalPostgresServer}: zonky's binaries) in its own JVM, started by the
 * launcher, with one database per name given. {@link #stop()} is PostgreSQL's fast shutdown (every session is cut);
 * {@link #restart()} starts it again on the same port and data directory.
 */
public final class PostgresNode implements AutoCloseable {
    static final String MARKER = "LocalPostgresServer";
    static final String READY = "PostgreSQL ready on";

    private final Path dataDir;
    private final Path postmasterPidFile;
    private final int port;
    private final List<String> databases;
    private final String classpath;
    private final Path log;
    private final PidFile pidFile;
    private final boolean detached;
    private Process process;

    /**
     * @param postmasterPidFile where the server writes the postmaster's own pid (for a {@code down} after a hard kill)
     * @param pidFile where the launcher records its pid, or null
     */
    public PostgresNode(
            Path dataDir,
            Path postmasterPidFile,
            int port,
            List<String> databases,
            String classpath,
            Path log,
            PidFile pidFile,
            boolean detached) {
        this.dataDir = dataDir;
        this.postmasterPidFile = postmasterPidFile;
        this.port = port;
        this.databases = List.copyOf(databases);
        this.classpath = classpath;
        this.log = log;
        this.pidFile = pidFile;
        this.detached = detached;
    }

    /** PostgreSQL for a test: a free port, data under {@code dir}, belonging to this JVM; started. */
    public static PostgresNode startForTest(Path root, Path dir, List<String> databases) {
        PostgresNode pg = new PostgresNode(
                dir.resolve("data"),
                dir.resolve("postmaster.pid.copy"),
                Launch.freePort(),
                databases,
                Launch.localStackClasspath(root),
                dir.resolve("postgres.log"),
                null,
                false);
        pg.start();
        return pg;
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    public int port() {
        return port;
    }

    /** Starts the server and returns once it says it is ready and listens (within 120 s). */
    public void start() {
        long readyBefore = readyLines();
        List<String> command = new ArrayList<>(List.of(
                Launch.java(),
                "-Xmx128m",
                "-cp",
                classpath,
                "dev.arcfleet.local.LocalPostgresServer",
                String.valueOf(port),
                dataDir.toString(),
                postmasterPidFile.toString()));
        command.addAll(databases);
        process = Launch.start(command, Map.of(), log, detached);
        if (pidFile != null) {
            pidFile.record(process.pid());
        }
        Launch.await(
                "PostgreSQL",
                process.toHandle(),
                () -> readyLines() > readyBefore && Launch.listening(port),
                Duration.ofSeconds(120),
                log);
    }

    public OptionalLong pid() {
        return process != null && process.isAlive() ? OptionalLong.of(process.pid()) : OptionalLong.empty();
    }

    /** SIGTERM to the wrapper: PostgreSQL's fast shutdown, which terminates every session. */
    public void stop() {
        PidFile.terminate(process.toHandle(), Duration.ofSeconds(60));
    }

    public void restart() {
        start();
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            stop();
        }
        if (pidFile != null) {
            pidFile.clear();
        }
    }

    /** How many times the log says the server became ready (once per start; the log is appended to). */
    private long readyLines() {
        if (!Files.isRegularFile(log)) {
            return 0;
        }
        try (Stream<String> lines = Files.lines(log, StandardCharsets.ISO_8859_1)) {
            return lines.filter(l -> l.startsWith(READY)).count();
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }
}
