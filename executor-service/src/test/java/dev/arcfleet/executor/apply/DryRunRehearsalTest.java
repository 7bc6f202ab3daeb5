package dev.arcfleet.executor.apply;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arcfleet.contracts.OnboardingPlan;
import dev.arcfleet.contracts.Route;
import dev.arcfleet.contracts.Target;
import dev.arcfleet.contracts.TargetKind;
import dev.arcfleet.executor.engine.StepOutcome;
import dev.arcfleet.executor.route.ArmRequest;
import dev.arcfleet.executor.route.StepSpec;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The dry-run rehearsal setting fails exactly the chosen targets, with the reason; the others succeed as before. */
class DryRunRehearsalTest {
    static final StepSpec STEP =
            StepSpec.arm("connect", ArmRequest.get("/subscriptions/s/resourceGroups/g", "2024-01-01"));

    static StepContext context(String clusterId) {
        OnboardingPlan plan = new OnboardingPlan(
                "e1",
                "c1",
                Instant.EPOCH,
                "plan-" + clusterId,
                "r1",
                Route.ARC_K8S,
                new Target(TargetKind.CLUSTER, clusterId),
                List.of(),
                List.of(),
                List.of(),
                null,
                "p1",
                Map.of("clusterId", clusterId));
        return new StepContext(plan, STEP, 1, Instant.EPOCH, null);
    }

    @Test
    void chosenTargetsFailWithTheReasonAndTheOthersSucceed() {
        DryRunApplier applier =
                new DryRunApplier(new ObjectMapper(), Pattern.compile("ghent-1[0-9]"), "switch firmware rehearsal");

        StepOutcome failed = applier.apply(context("ghent-12"));
        assertThat(failed.kind()).isEqualTo(StepOutcome.Kind.FAILED);
        assertThat(failed.detail())
                .isEqualTo("dry-run rehearsal: switch firmware rehearsal (target ghent-12 matches"
                        + " executor.dry-run.fail-targets)");
        assertThat(applier.apply(context("ghent-2")).kind()).isEqualTo(StepOutcome.Kind.SUCCEEDED);
        assertThat(applier.apply(context("ghent-123")).kind())
                .as("the whole id must match")
                .isEqualTo(StepOutcome.Kind.SUCCEEDED);
    }

    @Test
    void withoutTheSettingNothingFails() {
        DryRunApplier applier = new DryRunApplier(new ObjectMapper());
        assertThat(applier.apply(context("ghent-12")).kind()).isEqualTo(StepOutcome.Kind.SUCCEEDED);
    }
}
