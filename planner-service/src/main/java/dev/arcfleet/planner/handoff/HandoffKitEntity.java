package dev.arcfleet.planner.handoff;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A kit made for a site: who made it, when, and what it held (no secret is in it). */
@Entity
@Table(name = "handoff_kit")
public class HandoffKitEntity extends PanacheEntityBase {
    @Id
    @Column(name = "kit_id")
    public String kitId;

    public String site;

    @Column(name = "created_by")
    public String createdBy;

    @Column(name = "created_at")
    public Instant createdAt;

    public int nodes;

    @Column(columnDefinition = "text")
    public String script;

    @Column(columnDefinition = "text")
    public String inventory;
}
