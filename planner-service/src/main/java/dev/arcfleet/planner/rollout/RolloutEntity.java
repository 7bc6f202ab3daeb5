package dev.arcfleet.planner.rollout;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

@Entity
@Table(name = "rollout")
public class RolloutEntity extends PanacheEntityBase {
    @Id
    @Column(name = "rollout_id")
    public String rolloutId;

    public String name;
    /** {@link Rollouts.Spec} as JSON. */
    @Column(columnDefinition = "text")
    public String spec;

    public String state;
    /** The current batch, 1-based (0: none started yet). */
    public int batch;

    @Column(name = "soak_until")
    public Instant soakUntil;
    /** Why it is SUSPENDED. */
    @Column(columnDefinition = "text")
    public String reason;

    @Column(name = "resumed_batch")
    public int resumedBatch;

    @Column(name = "created_by")
    public String createdBy;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;

    @Column(name = "resumed_by")
    public String resumedBy;

    @Column(name = "resumed_at")
    public Instant resumedAt;

    @Column(name = "aborted_by")
    public String abortedBy;

    @Column(name = "aborted_at")
    public Instant abortedAt;
}
