package dev.arcfleet.local;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * For {@code FLEET_DB_URL}: creates the services' databases on an existing PostgreSQL when they are missing.
 *
 * <p>Usage: {@code CreateDatabases <jdbc:postgresql://host:port> <user> <password> <database>...}
 */
public final class CreateDatabases {
    private CreateDatabases() {
    }

    public static void main(String[] args) {
        if (args.length < 4) {
            System.err.println("usage: CreateDatabases <jdbc:postgresql://host:port> <user> <password> <database>...");
            System.exit(2);
        }
        String url = args[0].replaceAll("/+$", "") + "/postgres";
        try (Connection c = DriverManager.getConnection(url, args[1], args[2]); Statement s = c.createStatement()) {
            for (String db : List.of(args).subList(3, args.length)) {
                try (ResultSet rs = s.executeQuery("select 1 from pg_database where datname = '" + db.replace("'", "") + "'")) {
                    if (!rs.next()) {
                        s.execute("create database \"" + db.replace("\"", "") + "\"");
                        System.out.println("created database " + db);
                    }
                }
            }
        } catch (SQLException e) {
            System.err.println("cannot reach PostgreSQL at " + url + " as " + args[1] + ": " + e.getMessage());
            System.exit(1);
        }
    }
}
