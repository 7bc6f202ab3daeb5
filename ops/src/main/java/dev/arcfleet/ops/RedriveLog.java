package dev.arcfleet.ops;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Which dead-lettered records were re-driven ({@code dead_letter_redrive}, V6). */
@ApplicationScoped
public class RedriveLog {
    /** First half of the two-key advisory lock of a re-drive; the second is the hash of the DLQ topic's name. */
    private static final int LOCK_CLASS = 0x0DEAD1E7;

    private final EntityManager entityManager;

    public RedriveLog(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    /**
     * Takes the re-drive lock of {@code dlqTopic} until the transaction ends, if no other transaction (of this or
     * another instance) holds it.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean tryLock(String dlqTopic) {
        return Boolean.TRUE.equals(entityManager
                .createNativeQuery("select pg_try_advisory_xact_lock(:lockClass, hashtext(:topic))")
                .setParameter("lockClass", LOCK_CLASS)
                .setParameter("topic", dlqTopic)
                .getSingleResult());
    }

    /** Those of {@code records} of {@code dlqTopic} that were re-driven. */
    @Transactional
    public Set<Coordinates> redriven(String dlqTopic, Collection<Coordinates> records) {
        if (records.isEmpty()) {
            return Set.of();
        }
        long min = records.stream().mapToLong(Coordinates::offset).min().orElseThrow();
        long max = records.stream().mapToLong(Coordinates::offset).max().orElseThrow();
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager
                .createNativeQuery("select dlq_partition, dlq_offset from dead_letter_redrive"
                        + " where dlq_topic = :topic and dlq_offset between :min and :max")
                .setParameter("topic", dlqTopic)
                .setParameter("min", min)
                .setParameter("max", max)
                .getResultList();
        Set<Coordinates> wanted = new HashSet<>(records);
        Set<Coordinates> found = new HashSet<>();
        for (Object[] row : rows) {
            Coordinates c = new Coordinates(((Number) row[0]).intValue(), ((Number) row[1]).longValue());
            if (wanted.contains(c)) {
                found.add(c);
            }
        }
        return found;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void record(
            DeadLetter redriven, String targetTopic, int targetPartition, long targetOffset, Instant at, String by) {
        entityManager
                .createNativeQuery(
                        "insert into dead_letter_redrive (dlq_topic, dlq_partition, dlq_offset, target_topic,"
                                + " target_partition, target_offset, redriven_at, redriven_by)"
                                + " values (:topic, :partition, :offset, :target, :targetPartition, :targetOffset, :at, :by)")
                .setParameter("topic", redriven.topic())
                .setParameter("partition", redriven.partition())
                .setParameter("offset", redriven.offset())
                .setParameter("target", targetTopic)
                .setParameter("targetPartition", targetPartition)
                .setParameter("targetOffset", targetOffset)
                .setParameter("at", at)
                .setParameter("by", by)
                .executeUpdate();
    }

    /** Re-driven records by DLQ topic. */
    @Transactional
    public Map<String, Long> countsByTopic() {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager
                .createNativeQuery("select dlq_topic, count(*) from dead_letter_redrive group by dlq_topic")
                .getResultList();
        Map<String, Long> counts = new HashMap<>();
        rows.forEach(r -> counts.put((String) r[0], ((Number) r[1]).longValue()));
        return counts;
    }
}
