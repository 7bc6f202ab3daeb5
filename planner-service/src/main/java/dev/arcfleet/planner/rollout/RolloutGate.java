package dev.arcfleet.planner.rollout;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arcfleet.planner.config.PolicyProvider;
import dev.arcfleet.planner.decide.Policy;
import dev.arcfleet.planner.plan.PlanBook;
import dev.arcfleet.planner.plan.PlanState;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The rollout gate on the release path ({@link Rollouts#gate}): an approved plan is held (AWAITING_ROLLOUT) when a
 * rollout that holds plans selects it and has not released it yet, when it is held already and no such rollout released
 * it, or by the policy's {@code rollouts.default} HOLD.
 */
@ApplicationScoped
public class RolloutGate {
    static final List<String> HOLDING =
            List.of(Rollouts.State.ACTIVE.name(), Rollouts.State.SOAKING.name(), Rollouts.State.SUSPENDED.name());

    private final ObjectMapper mapper;
    private final PolicyProvider policies;

    public RolloutGate(ObjectMapper mapper, PolicyProvider policies) {
        this.mapper = mapper;
        this.policies = policies;
    }

    /**
     * Which approved plans the gate holds ({@link Rollouts#gate}): for a running rollout, or by the policy's
     * {@code rollouts.default}; {@code labels}: the labels of a plan's nodes, asked only for label selectors.
     */
    public Predicate<PlanBook.Plan> held(Function<PlanBook.Plan, Collection<Map<String, String>>> labels) {
        Policy.RolloutDefault unmatched = policies.current().rolloutDefault();
        return new Predicate<>() {
            private List<Rollouts.Rollout> holding;

            @Override
            public boolean test(PlanBook.Plan plan) {
                if (holding == null) {
                    holding =
                            RolloutEntity.<RolloutEntity>list("state in ?1 order by createdAt, rolloutId", HOLDING)
                                    .stream()
                                    .map(RolloutGate.this::rollout)
                                    .toList();
                }
                if (holding.isEmpty()
                        && plan.state() != PlanState.AWAITING_ROLLOUT
                        && !Rollouts.heldByDefault(plan, List.of(), unmatched)) {
                    return false;
                }
                List<String> releasedBy =
                        RolloutPlanEntity.<RolloutPlanEntity>list(
                                        "planId = ?1 and releasedAt is not null", plan.planId())
                                .stream()
                                .map(m -> m.rolloutId)
                                .toList();
                return Rollouts.gate(plan, holding, releasedBy, labels, unmatched);
            }
        };
    }

    /** The stored rollout as the rules see it. */
    public Rollouts.Rollout rollout(RolloutEntity e) {
        return new Rollouts.Rollout(
                e.rolloutId,
                spec(e.spec),
                Rollouts.State.valueOf(e.state),
                e.batch,
                e.soakUntil,
                e.reason,
                e.resumedBatch);
    }

    Rollouts.Spec spec(String json) {
        try {
            return mapper.readValue(json, Rollouts.Spec.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored rollout spec is not readable", e);
        }
    }

    String json(Rollouts.Spec spec) {
        try {
            return mapper.writeValueAsString(spec);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("rollout spec cannot be written as JSON", e);
        }
    }
}
