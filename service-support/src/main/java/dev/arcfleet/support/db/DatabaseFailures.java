package dev.arcfleet.support.db;

import dev.arcfleet.support.inbox.PoisonRecordException;
import dev.arcfleet.support.log.LogSafe;
import dev.arcfleet.support.retry.RetryPolicy;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import java.time.Duration;

/**
 * Telling "the database is away" (restarting, failing over, every connection cut) from every other failure, and
 * waiting it out. A consumer must not dead-letter or skip a good record because PostgreSQL restarted: it applies the
 * record again, in a new transaction, once the database answers. The SmallRye connector keeps polling (partitions
 * paused) meanwhile, so a long outage does not cost the consumer its group membership.
 */
public final class DatabaseFailures {
    /** While the database is away: 500 ms doubling to 10 s, for as long as it takes. */
    public static final RetryPolicy OUTAGE_RETRY =
            RetryPolicy.exponential(Duration.ofMillis(500), Duration.ofSeconds(10));

    private DatabaseFailures() {}

    public static boolean unavailable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            for (Throwable suppressed : t.getSuppressed()) {
                if (unavailable(suppressed)) {
                    return true;
                }
            }
            // the commit itself failed (the connection died under it): the transaction manager reports it without the
            // SQL cause; nothing was committed, so applying the record again is safe
            if (t instanceof jakarta.transaction.RollbackException
                    || t instanceof jakarta.transaction.SystemException
                    || t instanceof jakarta.transaction.HeuristicMixedException
                    || t instanceof jakarta.transaction.HeuristicRollbackException) {
                return true;
            }
            if (t instanceof org.hibernate.exception.JDBCConnectionException
                    || t instanceof java.net.ConnectException
                    || t instanceof java.sql.SQLTransientConnectionException) {
                return true;
            }
            if (t instanceof java.sql.SQLException sql
                    && (sql.getSQLState() != null && sql.getSQLState().startsWith("08")
                            || "57P01".equals(sql.getSQLState())
                            || "57P02".equals(sql.getSQLState())
                            || "57P03".equals(sql.getSQLState())
                            || String.valueOf(sql.getMessage()).contains("Acquisition timeout"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * True when a failure to store something comes from the data itself, not from the database or the service: a
     * value PostgreSQL refuses (SQLSTATE class 22: too long, a NUL, out of range), a constraint (23), a program limit
     * (54, such as an index row too large), or an exception of our own code with no SQL failure behind it. Applied to
     * one record alone, such a failure is that record's: it goes to the dead-letter topic and its batch carries on.
     * An unavailable database, a deadlock or serialization failure (40), exhausted resources (53), an operator
     * intervention (57) or an internal error are never a record's fault.
     */
    public static boolean recordsOwnFault(Throwable e) {
        if (unavailable(e)) {
            return false;
        }
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                return state.startsWith("22") || state.startsWith("23") || state.startsWith("54");
            }
            for (Throwable suppressed : t.getSuppressed()) {
                if (suppressed instanceof java.sql.SQLException
                        || suppressed.getCause() instanceof java.sql.SQLException) {
                    return recordsOwnFault(suppressed);
                }
            }
        }
        return true;
    }

    /**
     * Runs {@code work} in a new transaction, again and again with backoff while the database is unavailable. A poison
     * record and any other failure are thrown at once (the channel's failure strategy decides).
     */
    public static void retryWhileUnavailable(String what, Runnable work) {
        for (int attempt = 1; ; attempt++) {
            try {
                QuarkusTransaction.requiringNew().run(work);
                if (attempt > 1) {
                    Log.infof("%s applied after the database came back (attempt %d)", LogSafe.of(what), attempt);
                }
                return;
            } catch (PoisonRecordException e) {
                throw e;
            } catch (RuntimeException e) {
                if (!unavailable(e)) {
                    throw e;
                }
                Duration backoff = OUTAGE_RETRY.delay(attempt);
                Log.warnf(
                        "%s: the database is unavailable (attempt %d), trying again in %d ms: %s",
                        LogSafe.of(what), attempt, backoff.toMillis(), LogSafe.of(e.getMessage()));
                if (!RetryPolicy.park(backoff)) {
                    throw e;
                }
            }
        }
    }
}
