package dev.arcfleet.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real PostgreSQL (zonky binaries) in its own process, the way {@code bin/fleet-local} runs it, so a test can stop
 * it (a fast shutdown: every connection is cut) and start it again on the same port and data directory.
 */
final class PostgresProcess implements AutoCloseable {
    private final Path root;
    private final Path dir;
    private final int port;
    private final List<String> databases;
    private Process process;
    /** Launches so far: the log says "PostgreSQL ready" once per launch. */
    private int starts;

    private PostgresProcess(Path root, Path dir, List<String> databases) {
        this.root = root;
        this.dir = dir;
        this.databases = databases;
        this.port = LocalStackJava.freePort();
    }

    static PostgresProcess start(Path root, Path dir, List<String> databases) throws Exception {
        Files.createDirectories(dir);
        PostgresProcess pg = new PostgresProcess(root, dir, databases);
        pg.launch();
        return pg;
    }

    String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** SIGTERM to the wrapper: PostgreSQL's fast shutdown, which terminates every session. */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    void restart() throws Exception {
        launch();
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            stop();
        }
    }

    private void launch() throws Exception {
        List<String> args = new ArrayList<>(List.of(String.valueOf(port), dir.resolve("data").toString(),
                dir.resolve("postmaster.pid.copy").toString()));
        args.addAll(databases);
        starts++;
        process = LocalStackJava.process(root, dir.resolve("postgres.log"), "128m", "dev.arcfleet.local.LocalPostgresServer", args)
                .start();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        while (!ready()) {
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("PostgreSQL did not start; its log: " + dir.resolve("postgres.log"));
            }
            process.waitFor(200, TimeUnit.MILLISECONDS);
        }
    }

    private boolean ready() throws IOException {
        Path log = dir.resolve("postgres.log");
        if (!Files.exists(log)) {
            return false;
        }
        long readyLines = Files.readAllLines(log).stream().filter(l -> l.startsWith("PostgreSQL ready on")).count();
        return readyLines >= starts && LocalStackJava.listening(port);
    }

}
