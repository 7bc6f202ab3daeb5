package dev.arcfleet.inventory.rollouts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arcfleet.contracts.RolloutState;
import dev.arcfleet.inventory.live.LiveEvent;
import dev.arcfleet.inventory.live.LiveEvents;
import dev.arcfleet.support.log.LogSafe;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The planner's rollouts from {@code onboarding.rollouts}, one row each ({@code rollout_state}): a state replaces the
 * stored one unless that one is newer ({@code updatedAt}), so a redelivery or a late state changes nothing. Read-only:
 * the planner owns rollouts; the dashboard shows them with the commands an operator runs.
 */
@ApplicationScoped
public class RolloutProjection {
    static final Pattern ROLLOUT_ID = Pattern.compile("ro-[0-9a-f-]{36}");
    static final Set<String> STATES = Set.of("ACTIVE", "SOAKING", "SUSPENDED", "COMPLETED", "ABORTED");
    static final int MAX_NAME = 200;
    static final int MAX_BATCHES = 100;
    static final int MAX_TEXT = 4000;

    private final EntityManager entityManager;
    private final ObjectMapper mapper;
    private final LiveEvents live;

    public RolloutProjection(EntityManager entityManager, ObjectMapper mapper, LiveEvents live) {
        this.entityManager = entityManager;
        this.mapper = mapper;
        this.live = live;
    }

    /** A rollout as the dashboard shows it, with the commands that resume or abort it. */
    public record RolloutView(
            String rolloutId,
            String name,
            String state,
            int currentBatch,
            int batchCount,
            String reason,
            RolloutState.Batch current,
            List<RolloutState.Batch> batches,
            Instant updatedAt,
            String resumeCommand,
            String abortCommand) {}

    /**
     * What a state needs, and that it fits its columns: anyone able to write the topic can send anything, so a state
     * that fails here is poison (IllegalArgumentException says why).
     */
    public static void check(RolloutState s) {
        if (s.rolloutId() == null || !ROLLOUT_ID.matcher(s.rolloutId()).matches()) {
            throw new IllegalArgumentException(
                    "rollout state: rolloutId must be ro-<uuid>, got " + LogSafe.of(String.valueOf(s.rolloutId()), 64));
        }
        if (s.state() == null || !STATES.contains(s.state())) {
            throw new IllegalArgumentException("rollout state " + s.rolloutId() + ": state must be one of " + STATES);
        }
        if (s.updatedAt() == null) {
            throw new IllegalArgumentException("rollout state " + s.rolloutId() + " has no updatedAt");
        }
        if (s.name() != null && (s.name().length() > MAX_NAME || LogSafe.hasUnsafe(s.name()))) {
            throw new IllegalArgumentException("rollout state " + s.rolloutId() + ": name must be at most " + MAX_NAME
                    + " characters without control characters");
        }
        if (s.reason() != null && (s.reason().length() > MAX_TEXT || s.reason().indexOf('\u0000') >= 0)) {
            throw new IllegalArgumentException("rollout state " + s.rolloutId() + ": reason must be at most " + MAX_TEXT
                    + " characters without NUL");
        }
        if (s.currentBatch() < 0
                || s.batchCount() < 0
                || s.batches() != null && s.batches().size() > MAX_BATCHES) {
            throw new IllegalArgumentException("rollout state " + s.rolloutId() + ": batch numbers out of range");
        }
    }

    /** Applies the state unless a newer one of the rollout is stored; the dashboard hears of it after commit. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void apply(RolloutState s) {
        check(s);
        int changed = entityManager
                .createNativeQuery("""
                insert into rollout_state (rollout_id, name, state, current_batch, batch_count, reason, batches, updated_at)
                values (:id, :name, :state, :current, :count, :reason, :batches, cast(:updatedAt as timestamptz))
                on conflict (rollout_id) do update set name = excluded.name, state = excluded.state,
                    current_batch = excluded.current_batch, batch_count = excluded.batch_count,
                    reason = excluded.reason, batches = excluded.batches, updated_at = excluded.updated_at
                where rollout_state.updated_at <= excluded.updated_at""")
                .setParameter("id", s.rolloutId())
                .setParameter("name", s.name())
                .setParameter("state", s.state())
                .setParameter("current", s.currentBatch())
                .setParameter("count", s.batchCount())
                .setParameter("reason", s.reason())
                .setParameter("batches", json(s.batches() == null ? List.of() : s.batches()))
                .setParameter("updatedAt", s.updatedAt().toString())
                .executeUpdate();
        if (changed > 0) {
            live.afterCommit(new LiveEvent(
                    "ROLLOUT",
                    null,
                    null,
                    s.state(),
                    null,
                    null,
                    s.name() == null ? s.rolloutId() : s.name(),
                    s.rolloutId(),
                    s.updatedAt()));
        }
    }

    /** The rollouts, the most recently changed first, at most {@code limit}. */
    @Transactional
    public List<RolloutView> list(int limit) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager
                .createNativeQuery("""
                select rollout_id, name, state, current_batch, batch_count, reason, batches, updated_at
                from rollout_state order by updated_at desc, rollout_id limit :limit""")
                .setParameter("limit", limit)
                .getResultList();
        List<RolloutView> views = new ArrayList<>(rows.size());
        for (Object[] r : rows) {
            String id = (String) r[0];
            String state = (String) r[2];
            List<RolloutState.Batch> batches = batches((String) r[6]);
            boolean open = !"COMPLETED".equals(state) && !"ABORTED".equals(state);
            views.add(new RolloutView(
                    id,
                    (String) r[1],
                    state,
                    ((Number) r[3]).intValue(),
                    ((Number) r[4]).intValue(),
                    (String) r[5],
                    batches.isEmpty() ? null : batches.get(batches.size() - 1),
                    batches,
                    instant(r[7]),
                    "SUSPENDED".equals(state) ? "bin/fleet-local rollouts resume " + id : null,
                    open ? "bin/fleet-local rollouts abort " + id : null));
        }
        return views;
    }

    private List<RolloutState.Batch> batches(String json) {
        try {
            return mapper.readValue(json, new TypeReference<List<RolloutState.Batch>>() {});
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored rollout batches are unreadable", e);
        }
    }

    private String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("rollout batches cannot be written as JSON", e);
        }
    }

    private static Instant instant(Object value) {
        if (value instanceof Instant i) {
            return i;
        }
        if (value instanceof OffsetDateTime o) {
            return o.toInstant();
        }
        if (value instanceof Timestamp t) {
            return t.toInstant();
        }
        return null;
    }
}
