package dev.arcfleet.inventory.status;

import dev.arcfleet.contracts.OnboardingState;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * The latest executor progress of one plan, applied in sequence order (null state: not started), and the planner's
 * last approval event of it: {@code held} is AWAITING_APPROVAL or REJECTED while its revision is held, AWAITING_ROLLOUT
 * while a rollout holds it (until an execution of it starts), else null.
 */
@Entity
@Table(name = "plan_status")
public class PlanStatusEntity extends PanacheEntityBase {
    @Id
    @Column(name = "plan_id")
    public String planId;

    public String route;

    @Column(name = "target_kind")
    public String targetKind;

    @Column(name = "target_id")
    public String targetId;

    @Enumerated(EnumType.STRING)
    public OnboardingState state;

    @Column(name = "last_type")
    public String lastType;

    public String step;

    @Column(columnDefinition = "text")
    public String detail;

    public long sequence;

    @Column(name = "updated_at")
    public Instant updatedAt;

    @Enumerated(EnumType.STRING)
    public OnboardingState held;
    /** The last approval event's type: AWAITING_APPROVAL, APPROVED or REJECTED. */
    public String approval;
    /** Who approved or rejected ({@code rule:<name>} or an operator's token identity). */
    @Column(name = "approval_by")
    public String approvalBy;

    @Column(name = "approval_at")
    public Instant approvalAt;

    @Column(name = "approval_detail", columnDefinition = "text")
    public String approvalDetail;
}
