package dev.arcfleet.planner.plan;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** The latest decision for one node, and the facts and policy version it was made from. */
@Entity
@Table(name = "node_decision")
public class NodeDecisionEntity extends PanacheEntityBase {
    @Id
    @Column(name = "node_id")
    public String nodeId;

    @Column(name = "cluster_id")
    public String clusterId;
    /** The NodeFacts the decision was made from (JSON); what-if decides again from these. */
    @Column(columnDefinition = "text")
    public String facts;

    @Column(name = "facts_hash")
    public String factsHash;
    /** When the facts decided on were observed: older facts (a replay of history) never override newer ones. */
    @Column(name = "observed_at")
    public Instant observedAt;

    @Column(name = "policy_version")
    public String policyVersion;

    public String route;

    @Column(name = "target_kind")
    public String targetKind;

    @Column(name = "target_id")
    public String targetId;

    @Column(name = "plan_id")
    public String planId;
    /** The Decision (JSON). */
    @Column(columnDefinition = "text")
    public String decision;

    @Column(name = "decided_at")
    public Instant decidedAt;

    public boolean retired;
}
