package dev.arcfleet.executor.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.arcfleet.contracts.AzureTarget;
import dev.arcfleet.contracts.OnboardingPlan;
import dev.arcfleet.contracts.Route;
import dev.arcfleet.contracts.Target;
import dev.arcfleet.contracts.TargetKind;
import dev.arcfleet.contracts.Topics;
import dev.arcfleet.support.inbox.PoisonRecordException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A plan's Azure target goes into ARM resource ids and names a credential: each part must have its shape. */
class PlanAzureTargetValidationTest {
    private static OnboardingPlan plan(AzureTarget target) {
        return new OnboardingPlan(
                        "6d7c2f1e-0a4b-4c8d-9e1f-2a3b4c5d6e7f",
                        "corr-1",
                        Instant.now(),
                        "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0",
                        "r1",
                        Route.ARC_K8S,
                        new Target(TargetKind.CLUSTER, "ghent-line3"),
                        List.of("ghent-line3/n1"),
                        List.of(),
                        List.of(),
                        null,
                        "2026-12-01.1",
                        Map.of("clusterId", "ghent-line3"))
                .withAzureTarget(target);
    }

    @Test
    void aWellFormedTargetOrNoneIsAccepted() {
        assertThatCode(() -> PlanValidator.check(
                        plan(new AzureTarget(
                                "eu.prod",
                                "6F1C3E2A-0B7D-4C55-9A51-2F7D5C0E9B10",
                                "arc-fleet(eu).1",
                                "westeurope",
                                List.of("eua", "eub"))),
                        Route.ARC_K8S,
                        "e1",
                        Topics.PLANS_ARC_K8S))
                .doesNotThrowAnyException();
        assertThatCode(() -> PlanValidator.check(plan(null), Route.ARC_K8S, "e1", Topics.PLANS_ARC_K8S))
                .doesNotThrowAnyException();
    }

    @Test
    void everyBadPartIsRefusedAtOnce() {
        Throwable refused = catchThrowable(() -> PlanValidator.check(
                plan(new AzureTarget(
                        "-x", "sub/../other", "../../providers", "West Europe", List.of("eua", "Has-Dash", "eua/x"))),
                Route.ARC_K8S,
                "e1",
                Topics.PLANS_ARC_K8S));
        assertThat(refused)
                .isInstanceOf(PoisonRecordException.class)
                .hasMessageContaining("azureTarget.name")
                .hasMessageContaining("azureTarget.subscriptionId")
                .hasMessageContaining("azureTarget.resourceGroup")
                .hasMessageContaining("azureTarget.location")
                .hasMessageContaining("azureTarget.credentials[1]")
                .hasMessageContaining("azureTarget.credentials[2]")
                .hasMessageNotContaining("azureTarget.credentials[0]");
        Throwable missing = catchThrowable(() -> PlanValidator.check(
                plan(new AzureTarget(null, null, null, null, null)), Route.ARC_K8S, "e1", Topics.PLANS_ARC_K8S));
        assertThat(missing)
                .isInstanceOf(PoisonRecordException.class)
                .hasMessageContaining("azureTarget.subscriptionId")
                .hasMessageContaining("azureTarget.resourceGroup")
                .hasMessageContaining("azureTarget.location")
                .hasMessageNotContaining("azureTarget.name");
    }
}
