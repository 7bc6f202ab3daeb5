package dev.arcfleet.inventory.nodes;

import dev.arcfleet.contracts.OnboardingState;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.PrimaryKeyJoinColumn;
import jakarta.persistence.SecondaryTable;
import jakarta.persistence.Table;
import java.time.Instant;
import org.hibernate.annotations.SecondaryRow;

/**
 * A node of the registry. Never leaves the service: REST and events map it explicitly.
 *
 * <p>The planner's latest decision for it is read from the narrow {@code latest_decision} table (V11), which only
 * {@link dev.arcfleet.inventory.status.StatusProjection} writes: Hibernate reads those columns (an outer join; all null
 * until the first decision) and never writes them, so a registration that rewrites the node cannot bring back an older
 * decision.
 */
@Entity
@Table(name = "node")
@SecondaryTable(name = NodeEntity.DECISION_TABLE, pkJoinColumns = @PrimaryKeyJoinColumn(name = "node_id"))
@SecondaryRow(table = NodeEntity.DECISION_TABLE, owned = false, optional = true)
@SecondaryTable(name = NodeEntity.HEARTBEAT_TABLE, pkJoinColumns = @PrimaryKeyJoinColumn(name = "node_id"))
@SecondaryRow(table = NodeEntity.HEARTBEAT_TABLE, owned = false, optional = true)
public class NodeEntity extends PanacheEntityBase {
    public static final String DECISION_TABLE = "latest_decision";
    public static final String HEARTBEAT_TABLE = "node_heartbeat";

    /**
     * When the node was last seen, in JPQL over the entity named {@code alias} (empty: no alias): the later of
     * {@link #lastSeenAt} and {@link #heartbeatAt}, as {@link #lastSeen()} says in Java.
     */
    public static String lastSeenIn(String alias) {
        String a = alias.isEmpty() ? "" : alias + ".";
        return "(case when " + a + "heartbeatAt is not null and " + a + "heartbeatAt > " + a + "lastSeenAt then " + a
                + "heartbeatAt else " + a + "lastSeenAt end)";
    }

    @Id
    @Column(name = "node_id")
    public String nodeId;

    public String hostname;
    public String site;

    @Column(name = "device_class")
    public String deviceClass;

    @Column(name = "cluster_id")
    public String clusterId;

    @Column(name = "os_family")
    public String osFamily;

    @Column(name = "os_version")
    public String osVersion;

    public String mutability;
    /** The latest normalized facts, as published on fleet.nodes (JSON). */
    @Column(columnDefinition = "text")
    public String facts;

    @Column(name = "facts_hash")
    public String factsHash;

    public String source;

    @Column(name = "observed_at")
    public Instant observedAt;

    @Column(name = "correlation_id")
    public String correlationId;

    public boolean retired;
    /**
     * When a registration or discovery sighting that wrote the node last named it; see {@link #lastSeen()}.
     */
    @Column(name = "last_seen_at")
    public Instant lastSeenAt;

    /**
     * When a registration of unchanged facts (a heartbeat) last named it, from {@code node_heartbeat} (V12), which only
     * {@link LastSeen}'s batched flush writes: it can lag by up to the flush interval. Null before the first.
     */
    @Column(table = HEARTBEAT_TABLE, name = "seen_at", insertable = false, updatable = false)
    public Instant heartbeatAt;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;

    @Column(table = DECISION_TABLE, insertable = false, updatable = false)
    public String route;

    @Column(table = DECISION_TABLE, name = "target_kind", insertable = false, updatable = false)
    public String targetKind;

    @Column(table = DECISION_TABLE, name = "target_id", insertable = false, updatable = false)
    public String targetId;

    /** Null before the first decision. */
    @Column(table = DECISION_TABLE, insertable = false, updatable = false)
    public Boolean degraded;

    @Column(table = DECISION_TABLE, name = "plan_id", insertable = false, updatable = false)
    public String planId;

    /** Null before the first decision: see {@link #decisionStateOrPending()}. */
    @Enumerated(EnumType.STRING)
    @Column(table = DECISION_TABLE, name = "decision_state", insertable = false, updatable = false)
    public OnboardingState decisionState;

    /** The latest decision (JSON). */
    @Column(table = DECISION_TABLE, columnDefinition = "text", insertable = false, updatable = false)
    public String decision;

    @Column(table = DECISION_TABLE, name = "decided_at", insertable = false, updatable = false)
    public Instant decidedAt;

    /** When the node was last seen: the later of its last write and its last heartbeat. */
    public Instant lastSeen() {
        return heartbeatAt != null && heartbeatAt.isAfter(lastSeenAt) ? heartbeatAt : lastSeenAt;
    }

    /** The decision's state, PENDING until the planner has decided for the node. */
    public OnboardingState decisionStateOrPending() {
        return decisionState == null ? OnboardingState.PENDING : decisionState;
    }

    public boolean isDegraded() {
        return Boolean.TRUE.equals(degraded);
    }
}
