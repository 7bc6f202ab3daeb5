package dev.arcfleet.inventory.nodes;

import dev.arcfleet.contracts.OnboardingState;
import dev.arcfleet.inventory.status.PlanStatusEntity;
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

    /**
     * A node's shown state in SQL over {@code node n}, {@code latest_decision d} and {@code plan_status ps}: its plan's
     * while the planner holds the plan's revision for approval (AWAITING_APPROVAL, REJECTED), else its plan's progress
     * once started, else its decision's, PENDING before its first. An active node does not show an offboarding of its plan: that was its previous life's, before it
     * registered again (until the executor reports on the new onboarding, its decision's state shows).
     */
    static final String SHOWN_STATE = "coalesce(ps.held, case when n.retired or ps.state not in ('OFFBOARDING',"
            + " 'OFFBOARDED', 'OFFBOARD_FAILED') then ps.state end, d.decision_state, 'PENDING')";

    /** The join under {@link #SHOWN_STATE} and {@link #SHOWN_NODES}, in SQL. */
    static final String NODE_DECISION_PLAN =
            "node n left join latest_decision d on d.node_id = n.node_id left join plan_status ps on ps.plan_id = d.plan_id";

    private static final List<OnboardingState> OFFBOARDING_STATES =
            List.of(OnboardingState.OFFBOARDING, OnboardingState.OFFBOARDED, OnboardingState.OFFBOARD_FAILED);

    /**
     * The nodes shown and counted, in SQL over {@code node n} and {@code plan_status ps}: the active ones, and the
     * retired ones whose plan is being or was offboarded.
     */
    static final String SHOWN_NODES = "(not n.retired or ps.state in ('OFFBOARDING', 'OFFBOARDED', 'OFFBOARD_FAILED'))";

    /** A node and the progress of its current plan (null until the plan starts or awaits approval). */
    public record NodeWithStatus(NodeEntity node, PlanStatusEntity plan) {
        public OnboardingState state() {
            if (plan != null && plan.held != null) {
                return plan.held;
            }
            OnboardingState progress = progress();
            return progress != null ? progress : node.decisionStateOrPending();
        }

        /** The plan's progress as the node shows it: none before it started, nor an offboarding on an active node. */
        public OnboardingState progress() {
            if (plan == null || plan.state == null || !node.retired && OFFBOARDING_STATES.contains(plan.state)) {
                return null;
            }
            return plan.state;
        }
    }

    /** {@code text}: a part of the node id or hostname, any case. */
    public record Filter(String route, OnboardingState state, String site, String family, String cluster, String text) {
        public Filter(String route, OnboardingState state, String site, String family, String cluster) {
            this(route, state, site, family, cluster, null);
        }
    }

    public record Page(long total, List<NodeWithStatus> items) {}

    public Optional<NodeWithStatus> find(String nodeId) {
        List<Object[]> rows = entityManager
                .createQuery("""
                select n, ps from NodeEntity n left join PlanStatusEntity ps on ps.planId = n.planId
                where n.nodeId = :nodeId""", Object[].class)
                .setParameter("nodeId", nodeId)
                .getResultList();
        return rows.stream().findFirst().map(r -> new NodeWithStatus((NodeEntity) r[0], (PlanStatusEntity) r[1]));
    }

    public Page list(Filter filter, int page, int size) {
        StringBuilder where = new StringBuilder(" where (n.retired = false or ps.state in :offboarded)");
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("offboarded", OFFBOARDING_STATES);
        if (filter.route() != null) {
            if (UNDECIDED.equals(filter.route())) {
                where.append(" and n.route is null");
            } else {
                where.append(" and n.route = :route");
                params.put("route", filter.route());
            }
        }
        if (filter.state() != null) {
            where.append(" and coalesce(ps.held, case when n.retired = true or ps.state not in :offboarded"
                    + " then ps.state end, n.decisionState, :pending) = :state");
            params.put("state", filter.state());
            params.put("pending", OnboardingState.PENDING);
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
        if (filter.text() != null) {
            where.append(" and (lower(n.nodeId) like :text escape '!' or lower(n.hostname) like :text escape '!')");
            params.put(
                    "text",
                    "%"
                            + filter.text()
                                    .toLowerCase(java.util.Locale.ROOT)
                                    .replace("!", "!!")
                                    .replace("%", "!%")
                                    .replace("_", "!_")
                            + "%");
        }
        String from = " from NodeEntity n left join PlanStatusEntity ps on ps.planId = n.planId";
        TypedQuery<Long> count = entityManager.createQuery("select count(n)" + from + where, Long.class);
        TypedQuery<Object[]> select =
                entityManager.createQuery("select n, ps" + from + where + " order by n.nodeId", Object[].class);
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

    /** The active nodes last seen before {@code cutoff}, the longest unseen first, a page of them. */
    @jakarta.transaction.Transactional
    public Page stale(java.time.Instant cutoff, int page, int size) {
        String lastSeen = NodeEntity.lastSeenIn("n");
        String from = " from NodeEntity n left join PlanStatusEntity ps on ps.planId = n.planId"
                + " where n.retired = false and " + lastSeen + " < :cutoff";
        long total = entityManager
                .createQuery("select count(n)" + from, Long.class)
                .setParameter("cutoff", cutoff)
                .getSingleResult();
        List<NodeWithStatus> items = new ArrayList<>();
        for (Object[] r : entityManager
                .createQuery("select n, ps" + from + " order by " + lastSeen + ", n.nodeId", Object[].class)
                .setParameter("cutoff", cutoff)
                .setFirstResult(page * size)
                .setMaxResults(size)
                .getResultList()) {
            items.add(new NodeWithStatus((NodeEntity) r[0], (PlanStatusEntity) r[1]));
        }
        return new Page(total, items);
    }

    /** Node counts by route (UNDECIDED before the planner's first decision) and shown state. */
    public Map<String, Map<String, Long>> countByRouteAndState() {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager
                .createNativeQuery("""
                select coalesce(d.route, 'UNDECIDED'), %s, count(*)
                from %s
                where %s
                group by 1, 2 order by 1, 2""".formatted(SHOWN_STATE, NODE_DECISION_PLAN, SHOWN_NODES))
                .getResultList();
        Map<String, Map<String, Long>> result = new LinkedHashMap<>();
        for (Object[] r : rows) {
            result.computeIfAbsent((String) r[0], k -> new LinkedHashMap<>())
                    .put((String) r[1], ((Number) r[2]).longValue());
        }
        return result;
    }

    /** Node counts by a dimension (site, cluster or OS family) and shown state; a missing value counts as "(none)". */
    public Map<String, Map<String, Long>> countByAndState(String column) {
        if (!List.of("site", "cluster_id", "os_family").contains(column)) {
            throw new IllegalArgumentException("no breakdown by " + column);
        }
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager
                .createNativeQuery("select coalesce(n." + column + ", '(none)'),"
                        + " " + SHOWN_STATE + ", count(*)"
                        + " from " + NODE_DECISION_PLAN
                        + " where " + SHOWN_NODES + " group by 1, 2 order by 1, 2")
                .getResultList();
        Map<String, Map<String, Long>> result = new LinkedHashMap<>();
        for (Object[] r : rows) {
            result.computeIfAbsent((String) r[0], k -> new LinkedHashMap<>())
                    .put((String) r[1], ((Number) r[2]).longValue());
        }
        return result;
    }

    /** A plan the planner holds for an operator's approval, with how many nodes wait on it. */
    public record AwaitingApproval(
            String planId,
            String route,
            String targetKind,
            String targetId,
            long nodes,
            String detail,
            java.time.Instant since) {}

    /** The plans awaiting approval, oldest first, at most {@code limit}. */
    public List<AwaitingApproval> awaitingApproval(int limit) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager
                .createNativeQuery("""
                select ps.plan_id, ps.route, ps.target_kind, ps.target_id,
                       (select count(*) from latest_decision d join node n on n.node_id = d.node_id
                        where d.plan_id = ps.plan_id and not n.retired),
                       ps.approval_detail, ps.approval_at
                from plan_status ps where ps.held = 'AWAITING_APPROVAL'
                order by ps.approval_at, ps.plan_id limit :limit""")
                .setParameter("limit", limit)
                .getResultList();
        List<AwaitingApproval> result = new ArrayList<>(rows.size());
        for (Object[] r : rows) {
            result.add(new AwaitingApproval(
                    (String) r[0],
                    (String) r[1],
                    (String) r[2],
                    (String) r[3],
                    ((Number) r[4]).longValue(),
                    (String) r[5],
                    instant(r[6])));
        }
        return result;
    }

    /** One entry of a node's timeline. */
    public record TimelineEntry(
            String eventId,
            String type,
            String planId,
            String route,
            String step,
            Integer attempt,
            String detail,
            String correlationId,
            java.time.Instant occurredAt) {}

    /**
     * The node's own events (its decisions) and those of every plan it has belonged to, oldest first, at most
     * {@code limit}.
     */
    public List<TimelineEntry> timeline(String nodeId, int limit) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager
                .createNativeQuery("""
                select e.event_id, e.type, e.plan_id, e.route, e.step, e.attempt, e.detail, e.correlation_id, e.occurred_at
                from status_event e
                where e.node_id = :nodeId
                   or (e.node_id is null and e.plan_id in (select d.plan_id from status_event d
                                                           where d.node_id = :nodeId and d.plan_id is not null))
                order by e.occurred_at, e.sequence, e.event_id
                limit :limit""")
                .setParameter("nodeId", nodeId)
                .setParameter("limit", limit)
                .getResultList();
        List<TimelineEntry> result = new ArrayList<>(rows.size());
        for (Object[] r : rows) {
            result.add(new TimelineEntry(
                    (String) r[0],
                    (String) r[1],
                    (String) r[2],
                    (String) r[3],
                    (String) r[4],
                    r[5] == null ? null : ((Number) r[5]).intValue(),
                    (String) r[6],
                    (String) r[7],
                    instant(r[8])));
        }
        return result;
    }

    private static java.time.Instant instant(Object value) {
        if (value instanceof java.time.Instant i) {
            return i;
        }
        if (value instanceof java.time.OffsetDateTime o) {
            return o.toInstant();
        }
        if (value instanceof java.sql.Timestamp t) {
            return t.toInstant();
        }
        return null;
    }
}
