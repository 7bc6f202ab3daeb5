package dev.arcfleet.planner.persistence;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

@Entity
@Table(name = "plan")
public class PlanEntity extends PanacheEntityBase {
    public enum State {
        /** Waits for the plan it depends on (an IoT Operations plan waits for its cluster's Arc plan). */
        WAITING,
        PUBLISHED,
        /** No node points at it any more: a changed route moved them to another plan. */
        SUPERSEDED,
        /**
         * A DIRECT_AGENT plan no site hand-off kit holds yet in its current revision; a kit moves it to PUBLISHED with
         * {@code executionState} HANDED_OFF (DIRECT_AGENT plans go to no executor topic).
         */
        AWAITING_HANDOFF
    }

    @Id
    @Column(name = "plan_id")
    public String planId;
    public String route;
    @Column(name = "target_kind")
    public String targetKind;
    @Column(name = "target_id")
    public String targetId;
    /** Capabilities the plan delivers, comma-separated; a cluster plan's only grow. */
    public String capabilities;
    /** Executor parameters (JSON object of strings). */
    @Column(columnDefinition = "text")
    public String parameters;
    @Column(name = "depends_on")
    public String dependsOn;
    public String revision;
    @Column(name = "published_revision")
    public String publishedRevision;
    @Enumerated(EnumType.STRING)
    public State state;
    @Column(name = "execution_state")
    public String executionState;
    @Column(name = "execution_detail", columnDefinition = "text")
    public String executionDetail;
    @Column(name = "execution_sequence")
    public long executionSequence;
    public int members;
    /** The hand-off kit that last held this DIRECT_AGENT plan. */
    @Column(name = "handoff_kit")
    public String handoffKit;
    @Column(name = "policy_version")
    public String policyVersion;
    @Column(name = "correlation_id")
    public String correlationId;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "updated_at")
    public Instant updatedAt;
}
