package dev.arcfleet.local;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * For {@code FLEET_DB_URL}: creates the services' databases on an existing PostgreSQL when they are missing.
 *
 * <p>Usage: {@code CreateDatabases <jdbc:postgresql://host:port> <user> <password> <database>...}
 */
public final class CreateDatabases {
    private CreateDatabases() {}

    public static void main(String[] args) {
        if (args.length < 4) {
            System.err.println("usage: CreateDatabases <jdbc:postgresql://host:port> <user> <password> <database>...");
            System.exit(2);
        }
        try {
            create(args[0], args[1], args[2], List.of(args).subList(3, args.length))
                    .forEach(System.out::println);
        } catch (SQLException e) {
            System.err.println(e.getMessage());
            System.exit(1);
        }
    }

    /** Creates the databases that are missing on the server at {@code serverUrl}; a line per database created. */
    public static List<String> create(String serverUrl, String user, String password, List<String> databases)
            throws SQLException {
        String url = serverUrl.replaceAll("/+$", "") + "/postgres";
        List<String> created = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url, user, password);
                Statement s = c.createStatement()) {
            for (String db : databases) {
                try (ResultSet rs =
                        s.executeQuery("select 1 from pg_database where datname = '" + db.replace("'", "") + "'")) {
                    if (!rs.next()) {
                        s.execute("create database \"" + db.replace("\"", "") + "\"");
                        created.add("created database " + db);
                    }
                }
            }
        } catch (SQLException e) {
            throw new SQLException("cannot reach PostgreSQL at " + url + " as " + user + ": " + e.getMessage(), e);
        }
        return created;
    }
}
