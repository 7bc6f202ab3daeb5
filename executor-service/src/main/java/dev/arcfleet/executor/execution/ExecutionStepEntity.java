package dev.arcfleet.executor.execution;

import dev.arcfleet.executor.engine.StepState;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.MapsId;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

@Entity
@Table(name = "execution_step")
public class ExecutionStepEntity extends PanacheEntityBase {
    @EmbeddedId
    public Key key = new Key();

    @MapsId("executionId")
    @ManyToOne
    @JoinColumn(name = "execution_id")
    public ExecutionEntity execution;

    @Column(name = "idx", insertable = false, updatable = false)
    public int idx;

    public String name;

    @Enumerated(EnumType.STRING)
    public StepState state;

    public int attempts;

    @Column(name = "started_at")
    public Instant startedAt;

    @Column(name = "finished_at")
    public Instant finishedAt;

    @Column(columnDefinition = "text")
    public String detail;
    /** What the step applied or, in dry-run, would apply: ARM requests and Kubernetes objects, secrets redacted. JSON. */
    @Column(columnDefinition = "text")
    public String record;
    /** The ARM long-running operation being polled: {@code <resourceId> <pollUrl>}. */
    @Column(columnDefinition = "text")
    public String operation;

    @Embeddable
    public static class Key implements Serializable {
        @Column(name = "execution_id")
        public String executionId;

        @Column(name = "idx")
        public int idx;

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.idx == idx && Objects.equals(k.executionId, executionId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(executionId, idx);
        }
    }
}
