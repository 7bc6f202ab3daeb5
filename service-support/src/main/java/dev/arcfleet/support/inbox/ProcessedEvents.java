package dev.arcfleet.support.inbox;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Makes consumers idempotent: an event's effect and its processed mark commit in the same transaction. */
@ApplicationScoped
public class ProcessedEvents {
    private final EntityManager entityManager;

    public ProcessedEvents(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    /** Marks the event processed by this consumer; false when it already was (a redelivery or a replay). */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean markFirstTime(String consumer, String eventId) {
        int inserted = entityManager
                .createNativeQuery("""
                insert into processed_event (consumer, event_id, processed_at) values (:consumer, :eventId, now())
                on conflict do nothing""")
                .setParameter("consumer", consumer)
                .setParameter("eventId", eventId)
                .executeUpdate();
        return inserted == 1;
    }

    /**
     * Marks many events at once (one statement); returns the ids that were not processed before, so a batch consumer
     * applies exactly those. Duplicate ids within the call count once.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    @SuppressWarnings("unchecked")
    public Set<String> markFirstTime(String consumer, Collection<String> eventIds) {
        if (eventIds.isEmpty()) {
            return Set.of();
        }
        List<Object> fresh = entityManager
                .createNativeQuery("""
                insert into processed_event (consumer, event_id, processed_at)
                select :consumer, id, now() from unnest(cast(:ids as varchar[])) as ids(id)
                on conflict do nothing
                returning event_id""")
                .setParameter("consumer", consumer)
                .setParameter("ids", eventIds.stream().distinct().toArray(String[]::new))
                .getResultList();
        Set<String> ids = new HashSet<>();
        fresh.forEach(id -> ids.add(id.toString()));
        return ids;
    }

    /**
     * Takes back the marks of events the consumer decided not to apply after all (it dead-letters them after the
     * commit): should the dead letter be lost to a crash, a replay meets the event again instead of skipping it.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void unmark(String consumer, Collection<String> eventIds) {
        if (eventIds.isEmpty()) {
            return;
        }
        entityManager
                .createNativeQuery("""
                delete from processed_event where consumer = :consumer and event_id = any(cast(:ids as varchar[]))""")
                .setParameter("consumer", consumer)
                .setParameter("ids", eventIds.stream().distinct().toArray(String[]::new))
                .executeUpdate();
    }
}
