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

/** The latest executor progress of one plan, applied in sequence order. */
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
}
