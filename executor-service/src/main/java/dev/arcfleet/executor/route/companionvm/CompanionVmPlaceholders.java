package dev.arcfleet.executor.route.companionvm;

import dev.arcfleet.executor.route.RoutePlaceholders;
import dev.arcfleet.executor.route.StepValues;

/** The onboarding service principal's fields in a companion VM's onboarding Secret (and nowhere else). */
public final class CompanionVmPlaceholders implements RoutePlaceholders {

    @Override
    public String inSecret(String placeholder, StepValues values) {
        return switch (placeholder) {
            case CompanionVmSteps.SP_CLIENT_ID -> values.onboardingPrincipal("clientId");
            case CompanionVmSteps.SP_CLIENT_SECRET -> values.onboardingPrincipal("clientSecret");
            case CompanionVmSteps.SP_TENANT_ID -> values.onboardingPrincipal("tenantId");
            default -> null;
        };
    }
}
