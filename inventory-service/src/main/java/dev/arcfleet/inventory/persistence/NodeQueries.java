package dev.arcfleet.inventory.persistence;

import dev.arcfleet.contracts.OnboardingState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.TypedQuery;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads of the registry: a node with its plan's progress, filtered pages, and fleet counts. */
@ApplicationScoped
public class NodeQueries {
    public static final String UNDECIDED = "UNDECIDED";

    private final EntityManager entityManager;

    public NodeQueries(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    /** A node and the progress of its current plan (null until the plan starts). */
    public record NodeWithStatus(NodeEntity node, PlanStatusEntity plan) {
        public OnboardingState state() {
            return plan != null && plan.state != null ? plan.state : node.decisionState;
        }
    }

    public record Filter(String route, OnboardingState state, String site, String family, String cluster) {
    }

    public record Page(long total, List<NodeWithStatus> items) {
    }

    public Optional<NodeWithStatus> find(String nodeId) {
        List<Object[]> rows = entityManager.createQuery("""
                select n, ps from NodeEntity n left join PlanStatusEntity ps on ps.planId = n.planId
                where n.nodeId = :nodeId""", Object[].class)
                .setParameter("nodeId", nodeId).getResultList();
        return rows.stream().findFirst().map(r -> new NodeWithStatus((NodeEntity) r[0], (PlanStatusEntity) r[1]));
    }

    public Page list(Filter filter, int page, int size) {
        StringBuilder where = new StringBuilder(" where n.retired = false");
        Map<String, Object> params = new LinkedHashMap<>();
        if (filter.route() != null) {
            if (UNDECIDED.equals(filter.route())) {
                where.append(" and n.route is null");
            } else {
                where.append(" and n.route = :route");
                params.put("route", filter.route());
            }
        }
        if (filter.state() != null) {
            where.append(" and coalesce(ps.state, n.decisionState) = :state");
            params.put("state", filter.state());
        }
        if (filter.site() != null) {
            where.append(" and n.site = :site");
            params.put("site", filter.site());
        }
        if (filter.family() != null) {
            where.append(" and n.osFamily = :family");
            params.put("family", filter.family());
        }
        if (filter.cluster() != null) {
            where.append(" and n.clusterId = :cluster");
            params.put("cluster", filter.cluster());
        }
        String from = " from NodeEntity n left join PlanStatusEntity ps on ps.planId = n.planId";
        TypedQuery<Long> count = entityManager.createQuery("select count(n)" + from + where, Long.class);
        TypedQuery<Object[]> select = entityManager.createQuery("select n, ps" + from + where + " order by n.nodeId",
                Object[].class);
        params.forEach((k, v) -> {
            count.setParameter(k, v);
            select.setParameter(k, v);
        });
        List<NodeWithStatus> items = new ArrayList<>();
        for (Object[] r : select.setFirstResult(page * size).setMaxResults(size).getResultList()) {
            items.add(new NodeWithStatus((NodeEntity) r[0], (PlanStatusEntity) r[1]));
        }
        return new Page(count.getSingleResult(), items);
    }

    /** Node counts by route (UNDECIDED before the planner's first decision) and shown state. */
    public Map<String, Map<String, Long>> countByRouteAndState() {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager.createNativeQuery("""
                select coalesce(n.route, 'UNDECIDED'), coalesce(ps.state, n.decision_state), count(*)
                from node n left join plan_status ps on ps.plan_id = n.plan_id
                where not n.retired
                group by 1, 2 order by 1, 2""").getResultList();
        Map<String, Map<String, Long>> result = new LinkedHashMap<>();
        for (Object[] r : rows) {
            result.computeIfAbsent((String) r[0], k -> new LinkedHashMap<>()).put((String) r[1], ((Number) r[2]).longValue());
        }
        return result;
    }
}
