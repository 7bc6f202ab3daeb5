package dev.arcfleet.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;

/**
 * What each SQL statement of the local stack's service databases cost, from {@code pg_stat_statements}: start the
 * stack with {@code FLEET_PG_STAT_STATEMENTS=1 bin/fleet-local up}, {@code reset} before the load, {@code top N} after
 * it (docs/benchmarks.md, 2026-12-04 17:35). Per statement: execution time, calls, shared buffers hit, read or dirtied,
 * rows, and the write-ahead log it wrote (bytes, and full-page images: the first change of a page after a checkpoint).
 *
 * <p>Usage: {@code StatementCosts reset|top [N] [jdbc:postgresql://127.0.0.1:54320]} (user and password postgres, as
 * the embedded server has them).
 */
public final class StatementCosts {
    private static final List<String> DATABASES = List.of("inventory", "planner", "executor");

    private StatementCosts() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || !List.of("reset", "top").contains(args[0])) {
            System.err.println("usage: StatementCosts reset|top [N] [jdbc:postgresql://host:port]");
            System.exit(2);
        }
        int limit = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        String server = args.length > 2 ? args[2] : "jdbc:postgresql://127.0.0.1:54320";
        for (String db : DATABASES) {
            try (Connection c = DriverManager.getConnection(server + "/" + db, "postgres", "postgres");
                    Statement s = c.createStatement()) {
                if (args[0].equals("reset")) {
                    s.execute("select pg_stat_statements_reset()");
                    continue;
                }
                System.out.println("== " + db);
                System.out.println("  total ms    calls  ms/call    buffers     rows   WAL kB  WAL FPI  statement");
                try (ResultSet r = s.executeQuery("""
                        select total_exec_time, calls,
                               shared_blks_hit + shared_blks_read + shared_blks_dirtied, rows,
                               regexp_replace(query, '\\s+', ' ', 'g'), wal_bytes, wal_fpi
                        from pg_stat_statements
                        where dbid = (select oid from pg_database where datname = current_database())
                        order by total_exec_time desc limit\s""" + limit)) {
                    while (r.next()) {
                        String query = r.getString(5);
                        System.out.printf(
                                "%10.1f %8d %8.3f %10d %8d %8d %8d  %s%n",
                                r.getDouble(1),
                                r.getLong(2),
                                r.getDouble(1) / Math.max(1, r.getLong(2)),
                                r.getLong(3),
                                r.getLong(4),
                                r.getBigDecimal(6).longValue() / 1024,
                                r.getLong(7),
                                query.substring(0, Math.min(160, query.length())));
                    }
                }
            }
        }
    }
}
