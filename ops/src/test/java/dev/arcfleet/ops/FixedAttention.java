package dev.arcfleet.ops;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;

/** The test application's executions that need attention: one failed plan and one retrying, in that order. */
@ApplicationScoped
public class FixedAttention implements ExecutionsNeedingAttention {
    static final List<Attention> ALL = List.of(
            new Attention(
                    "plan-failed",
                    "ARC_K8S",
                    "CLUSTER",
                    "ghent-ops",
                    "FAILED",
                    "FAILED",
                    "register-providers",
                    "run az provider register",
                    Instant.parse("2026-11-25T10:00:00Z"),
                    3,
                    "node-a"),
            new Attention(
                    "plan-retrying",
                    "COMPANION_VM",
                    "NODE",
                    "node-b",
                    "IN_PROGRESS",
                    "RETRYING",
                    "create-vm",
                    "quota",
                    Instant.parse("2026-11-25T09:00:00Z"),
                    1,
                    "node-b"));

    @Override
    public List<Attention> attention(int limit) {
        return ALL.subList(0, Math.min(limit, ALL.size()));
    }
}
