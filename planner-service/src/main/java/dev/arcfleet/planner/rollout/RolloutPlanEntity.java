package dev.arcfleet.planner.rollout;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

/** A plan a rollout took into one of its batches: when it was released and what the executor reported. */
@Entity
@Table(name = "rollout_plan")
@IdClass(RolloutPlanEntity.Key.class)
public class RolloutPlanEntity extends PanacheEntityBase {
    @Id
    @Column(name = "rollout_id")
    public String rolloutId;

    @Id
    @Column(name = "plan_id")
    public String planId;

    public int batch;

    @Column(name = "released_at")
    public Instant releasedAt;
    /** SUCCEEDED, FAILED or TIMED_OUT (null: not finished). */
    public String outcome;

    @Column(columnDefinition = "text")
    public String detail;

    public static class Key implements Serializable {
        public String rolloutId;
        public String planId;

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(rolloutId, k.rolloutId) && Objects.equals(planId, k.planId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(rolloutId, planId);
        }
    }
}
