package dev.arcfleet.inventory.nodes;

import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last-seen times of nodes whose registration changed nothing, coalesced in memory (one entry per node, the latest
 * time) and written in batched upserts of the narrow {@code node_heartbeat} row (V12; never the wide node row) every
 * {@code inventory.last-seen.flush-interval}, before a stale listing or
 * retirement, and at shutdown. No registration waits on a write of its own; a flush that fails is kept for the next
 * one, and one lost with the process only makes its nodes look older than they are.
 */
@ApplicationScoped
public class LastSeen {
    static final int CHUNK = 5000;

    private final Map<String, Instant> pending = new ConcurrentHashMap<>();
    private final EntityManager entityManager;

    public LastSeen(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    /** The node was seen at {@code at}: kept in memory until the next flush. */
    public void seen(String nodeId, Instant at) {
        pending.merge(nodeId, at, (a, b) -> a.isAfter(b) ? a : b);
    }

    /** How many nodes' times wait for a flush. */
    public int pending() {
        return pending.size();
    }

    @Scheduled(every = "{inventory.last-seen.flush-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduledFlush() {
        try {
            flush();
        } catch (RuntimeException e) {
            Log.warnf(
                    "last-seen times not written (%d nodes kept for the next flush): %s", pending.size(), e.toString());
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        scheduledFlush();
    }

    /**
     * Writes the pending times, in chunks of {@value #CHUNK} per statement and one transaction of its own; a row keeps a
     * later time it already has, and a node the registry does not hold is skipped. Returns how many times it wrote; on failure they are pending again.
     */
    public synchronized int flush() {
        List<String> ids = new ArrayList<>();
        List<String> times = new ArrayList<>();
        for (String nodeId : List.copyOf(pending.keySet())) {
            Instant at = pending.remove(nodeId);
            if (at != null) {
                ids.add(nodeId);
                times.add(at.toString());
            }
        }
        if (ids.isEmpty()) {
            return 0;
        }
        try {
            QuarkusTransaction.requiringNew().run(() -> {
                for (int i = 0; i < ids.size(); i += CHUNK) {
                    int end = Math.min(ids.size(), i + CHUNK);
                    entityManager
                            .createNativeQuery("""
                            insert into node_heartbeat as h (node_id, seen_at)
                            select v.node_id, v.seen
                            from unnest(cast(:ids as varchar[]), cast(cast(:times as varchar[]) as timestamptz[]))
                                as v(node_id, seen)
                            where exists (select 1 from node n where n.node_id = v.node_id)
                            on conflict (node_id) do update set seen_at = excluded.seen_at
                            where h.seen_at < excluded.seen_at""")
                            .setParameter("ids", ids.subList(i, end).toArray(String[]::new))
                            .setParameter("times", times.subList(i, end).toArray(String[]::new))
                            .executeUpdate();
                }
            });
        } catch (RuntimeException e) {
            for (int i = 0; i < ids.size(); i++) {
                seen(ids.get(i), Instant.parse(times.get(i)));
            }
            throw e;
        }
        Log.debugf("last-seen times of %d nodes written", ids.size());
        return ids.size();
    }
}
