package dev.arcfleet.executor.azure;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import javax.sql.DataSource;

/**
 * ARM's request budget, kept in PostgreSQL so that every executor replica spends the same one: a token bucket per
 * (subscription, principal, kind) and the subscription-wide ceiling above it (principal {@code *}, {@code ceiling}
 * times the principal's bucket). Each ask is one statement that refills from the database's {@code clock_timestamp()},
 * so replicas need no clock agreement. Asking never blocks: the caller gets how long to wait and reschedules its step.
 * A 429's Retry-After holds the bucket for every replica.
 */
public class ArmBudget {
    /** ARM's operation kinds, each with its own bucket. */
    public enum Kind {
        READ,
        WRITE,
        DELETE
    }

    /** A bucket's size: {@code burst} tokens at most, {@code perSecond} refilled each second. */
    public record Limit(int burst, double perSecond) {
        public Limit {
            if (burst < 1 || perSecond <= 0) {
                throw new IllegalArgumentException(
                        "burst must be >= 1 and refill > 0, got " + burst + " and " + perSecond);
            }
        }
    }

    /** The principal of the subscription-wide ceiling's row. */
    public static final String CEILING = "*";

    /** Refill and take (or queue) in one statement, both rows at once; {@code ?5} true: queue even when empty. */
    private static final String TAKE = """
            with t as (select clock_timestamp() as now)
            insert into arm_budget as b (subscription_id, principal, kind, tokens, refilled_at, held_until, burst, per_second)
            select ?, ?, ?, ? - 1, t.now, null::timestamptz, ?, ? from t
            union all select ?, ?, ?, ? - 1, t.now, null::timestamptz, ?, ? from t
            on conflict (subscription_id, principal, kind) do update set
              tokens = least(excluded.burst, b.tokens + greatest(0, extract(epoch from excluded.refilled_at
                  - greatest(b.refilled_at, coalesce(b.held_until, b.refilled_at)))) * excluded.per_second) - 1,
              refilled_at = greatest(b.refilled_at, excluded.refilled_at),
              burst = excluded.burst, per_second = excluded.per_second
            where ? or (b.held_until is null or b.held_until <= excluded.refilled_at)
              and least(excluded.burst, b.tokens + greatest(0, extract(epoch from excluded.refilled_at
                  - greatest(b.refilled_at, coalesce(b.held_until, b.refilled_at)))) * excluded.per_second) >= 1
            returning greatest(0, extract(epoch from coalesce(held_until, refilled_at) - refilled_at))
              + greatest(0, -tokens) / per_second""";

    /** How long until a row that refused a take has a token (a refusal's second statement). */
    private static final String WAIT = """
            select greatest(0, extract(epoch from coalesce(held_until, clock_timestamp()) - clock_timestamp()))
              + greatest(0, 1 - least(burst, tokens + greatest(0, extract(epoch from clock_timestamp()
                  - greatest(refilled_at, coalesce(held_until, refilled_at)))) * per_second)) / per_second
            from arm_budget where subscription_id = ? and principal in (?, ?) and kind = ?""";

    /** Holds the bucket until {@code ?1} seconds from now: nothing refills, nothing is granted before then. */
    private static final String HOLD = """
            with t as (select clock_timestamp() as now)
            insert into arm_budget as b (subscription_id, principal, kind, tokens, refilled_at, held_until, burst, per_second)
            select ?, ?, ?, 0, t.now, t.now + make_interval(secs => ?), ?, ? from t
            on conflict (subscription_id, principal, kind) do update set
              tokens = least(0, least(b.burst, b.tokens + greatest(0, extract(epoch from excluded.refilled_at
                  - greatest(b.refilled_at, coalesce(b.held_until, b.refilled_at)))) * b.per_second)),
              refilled_at = greatest(b.refilled_at, excluded.refilled_at),
              held_until = greatest(b.held_until, excluded.held_until)""";

    private final DataSource dataSource;
    private final Map<Kind, Limit> limits;
    private final double ceiling;

    /**
     * @param limits  each kind's bucket per principal (ARM: reads 250 and 25/s, writes and deletes 200 and 10/s)
     * @param ceiling the subscription-wide bucket as a multiple of the principal's (ARM: 15)
     */
    public ArmBudget(DataSource dataSource, Map<Kind, Limit> limits, double ceiling) {
        if (ceiling < 1) {
            throw new IllegalArgumentException(
                    "the subscription ceiling must be at least 1 times a principal's bucket");
        }
        this.dataSource = dataSource;
        this.limits = new EnumMap<>(limits);
        for (Kind kind : Kind.values()) {
            if (!this.limits.containsKey(kind)) {
                throw new IllegalArgumentException("no limit for " + kind);
            }
        }
        this.ceiling = ceiling;
    }

    /** The budget {@code executor.azure.*} sets: each kind's burst and refill, and the subscription ceiling. */
    public static ArmBudget of(DataSource dataSource, dev.arcfleet.executor.config.ExecutorConfig.Azure config) {
        return new ArmBudget(
                dataSource,
                Map.of(
                        Kind.READ, new Limit(config.readBurst(), config.readsPerSecond()),
                        Kind.WRITE, new Limit(config.writeBurst(), config.writesPerSecond()),
                        Kind.DELETE, new Limit(config.deleteBurst(), config.deletesPerSecond())),
                config.subscriptionCeiling());
    }

    /** The budget of one principal in one subscription. */
    public Account account(String subscriptionId, String principal) {
        if (CEILING.equals(principal)) {
            throw new IllegalArgumentException("'*' is the subscription ceiling's row, not a principal");
        }
        return new Account(subscriptionId.toLowerCase(java.util.Locale.ROOT), principal);
    }

    /** One principal's budget in one subscription; every replica that asks for the same pair shares it. */
    public final class Account {
        private final String subscriptionId;
        private final String principal;

        private Account(String subscriptionId, String principal) {
            this.subscriptionId = subscriptionId;
            this.principal = principal;
        }

        public String subscriptionId() {
            return subscriptionId;
        }

        public String principal() {
            return principal;
        }

        /**
         * Reserves the next slot of this kind: {@link Duration#ZERO} when a token is free now, else how long until the
         * reserved one is the caller's (reservations queue, so a thousand waiting writers come back one per refill
         * interval; a caller that comes back at its time goes without asking again).
         */
        public Duration reserve(Kind kind) {
            return take(kind, true);
        }

        /** Takes a token if one is free now ({@link Duration#ZERO}); else nothing is taken and the wait is returned. */
        public Duration tryTake(Kind kind) {
            return take(kind, false);
        }

        /** After a 429: no token of this kind for any replica until {@code retryAfter} has passed. */
        public void hold(Kind kind, Duration retryAfter) {
            Limit limit = limits.get(kind);
            try (Connection c = dataSource.getConnection();
                    PreparedStatement s = c.prepareStatement(HOLD)) {
                s.setString(1, subscriptionId);
                s.setString(2, principal);
                s.setString(3, kind.name());
                s.setDouble(4, Math.max(0, retryAfter.toNanos() / 1e9));
                s.setDouble(5, limit.burst());
                s.setDouble(6, limit.perSecond());
                s.executeUpdate();
            } catch (SQLException e) {
                throw new IllegalStateException("ARM budget unavailable: " + e.getMessage(), e);
            }
        }

        private Duration take(Kind kind, boolean queue) {
            Limit limit = limits.get(kind);
            double seconds = 0;
            int rows = 0;
            try (Connection c = dataSource.getConnection()) {
                try (PreparedStatement s = c.prepareStatement(TAKE)) {
                    int i = 1;
                    for (String who : new String[] {principal, CEILING}) {
                        double scale = CEILING.equals(who) ? ceiling : 1;
                        s.setString(i++, subscriptionId);
                        s.setString(i++, who);
                        s.setString(i++, kind.name());
                        s.setDouble(i++, limit.burst() * scale);
                        s.setDouble(i++, limit.burst() * scale);
                        s.setDouble(i++, limit.perSecond() * scale);
                    }
                    s.setBoolean(i, queue);
                    try (ResultSet r = s.executeQuery()) {
                        while (r.next()) {
                            rows++;
                            seconds = Math.max(seconds, r.getDouble(1));
                        }
                    }
                }
                if (rows < 2) {
                    try (PreparedStatement s = c.prepareStatement(WAIT)) {
                        s.setString(1, subscriptionId);
                        s.setString(2, principal);
                        s.setString(3, CEILING);
                        s.setString(4, kind.name());
                        try (ResultSet r = s.executeQuery()) {
                            while (r.next()) {
                                seconds = Math.max(seconds, r.getDouble(1));
                            }
                        }
                    }
                    // a refusal always waits, if only for the principal's next token
                    seconds = Math.max(seconds, 1 / limit.perSecond());
                }
            } catch (SQLException e) {
                throw new IllegalStateException("ARM budget unavailable: " + e.getMessage(), e);
            }
            return seconds <= 0 ? Duration.ZERO : Duration.ofNanos((long) Math.ceil(seconds * 1e9));
        }
    }
}
