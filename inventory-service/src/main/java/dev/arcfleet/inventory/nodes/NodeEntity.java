package dev.arcfleet.inventory.nodes;

import dev.arcfleet.contracts.OnboardingState;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A node of the registry. Never leaves the service: REST and events map it explicitly. */
@Entity
@Table(name = "node")
public class NodeEntity extends PanacheEntityBase {
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
     * When a registration or discovery sighting last named it; one of unchanged facts reaches this column through
     * {@link LastSeen}'s batched flush, so it can lag by up to the flush interval.
     */
    @Column(name = "last_seen_at")
    public Instant lastSeenAt;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;

    public String route;

    @Column(name = "target_kind")
    public String targetKind;

    @Column(name = "target_id")
    public String targetId;

    public boolean degraded;

    @Column(name = "plan_id")
    public String planId;

    @Enumerated(EnumType.STRING)
    @Column(name = "decision_state")
    public OnboardingState decisionState = OnboardingState.PENDING;
    /** The latest decision (JSON). */
    @Column(columnDefinition = "text")
    public String decision;

    @Column(name = "decided_at")
    public Instant decidedAt;
}
