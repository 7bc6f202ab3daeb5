package dev.arcfleet.inventory.status;

import dev.arcfleet.ops.ExecutionsNeedingAttention;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/** The executions that need a person, from the status projection ({@code plan_status}), for the operator tools. */
@ApplicationScoped
public class PlansNeedingAttention implements ExecutionsNeedingAttention {
    private final EntityManager entityManager;

    public PlansNeedingAttention(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    @Override
    @Transactional
    public List<Attention> attention(int limit) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager
                .createNativeQuery("""
                select ps.plan_id, ps.route, ps.target_kind, ps.target_id, ps.state, ps.last_type, ps.step, ps.detail,
                       ps.updated_at,
                       (select count(*) from latest_decision d join node n on n.node_id = d.node_id
                            where d.plan_id = ps.plan_id and (not n.retired or ps.state = 'OFFBOARD_FAILED')),
                       (select min(n.node_id) from latest_decision d join node n on n.node_id = d.node_id
                            where d.plan_id = ps.plan_id and (not n.retired or ps.state = 'OFFBOARD_FAILED'))
                from plan_status ps
                where ps.state in ('FAILED', 'OFFBOARD_FAILED') or (ps.state = 'IN_PROGRESS' and ps.last_type = 'RETRYING')
                order by case ps.state when 'FAILED' then 0 when 'OFFBOARD_FAILED' then 1 else 2 end, ps.updated_at desc
                limit :limit""")
                .setParameter("limit", limit)
                .getResultList();
        List<Attention> result = new ArrayList<>(rows.size());
        for (Object[] r : rows) {
            result.add(new Attention(
                    (String) r[0],
                    (String) r[1],
                    (String) r[2],
                    (String) r[3],
                    (String) r[4],
                    (String) r[5],
                    (String) r[6],
                    (String) r[7],
                    instant(r[8]),
                    ((Number) r[9]).longValue(),
                    (String) r[10]));
        }
        return result;
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
