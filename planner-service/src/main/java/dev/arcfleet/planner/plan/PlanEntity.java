package dev.arcfleet.planner.plan;

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
    public PlanState state;

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
    /** The last approval of a revision: APPROVED or REJECTED (null: none yet). */
    @Column(name = "approval_state")
    public String approvalState;

    @Column(name = "approval_revision")
    public String approvalRevision;
    /** {@code rule:<name>} for a policy approval rule, else the operator's token identity. */
    @Column(name = "approval_by")
    public String approvalBy;

    @Column(name = "approval_at")
    public Instant approvalAt;

    @Column(name = "approval_reason", columnDefinition = "text")
    public String approvalReason;

    @Column(name = "policy_version")
    public String policyVersion;

    @Column(name = "correlation_id")
    public String correlationId;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;
}
