package dev.arcfleet.executor.azure;

import dev.arcfleet.contracts.AzureTarget;
import dev.arcfleet.contracts.OnboardingPlan;
import dev.arcfleet.executor.config.ExecutorConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where a plan's ARM calls go and whose budget they spend: its Azure target's subscription (the default target's
 * without one) with one of the target's credentials, picked from the plan id so that every step, revision and replica
 * of the plan uses the same one; the budget is that subscription's and that credential's principal's. One client per
 * credential and subscription, made on first use.
 */
@ApplicationScoped
public class ArmAccounts {
    private final AzureClients azure;
    private final ArmBudget budget;
    private final String defaultSubscription;
    private final Map<String, BudgetedArmClient> clients = new ConcurrentHashMap<>();

    public ArmAccounts(AzureClients azure, ArmBudget budget, ExecutorConfig config) {
        this.azure = azure;
        this.budget = budget;
        this.defaultSubscription = config.azure().subscriptionId();
    }

    /**
     * The client and budget of the plan's steps.
     *
     * @throws AzureClients.CredentialProblem when the credential picked is not configured here, or incompletely
     */
    public BudgetedArmClient forPlan(OnboardingPlan plan) {
        AzureTarget target = plan.azureTarget();
        String subscription = target == null ? defaultSubscription : target.subscriptionId();
        String credential = target == null ? null : credentialFor(plan.planId(), target.credentials());
        if (credential != null && !azure.hasCredential(credential)) {
            throw AzureClients.CredentialProblem.unknown(credential);
        }
        return clients.computeIfAbsent(
                (credential == null ? "" : credential) + "|" + subscription.toLowerCase(java.util.Locale.ROOT),
                k -> new BudgetedArmClient(
                        azure.armClient(credential, subscription),
                        budget.account(subscription, azure.principal(credential))));
    }

    /** The credential of {@code credentials} a plan uses: the same for a plan id everywhere; null when none is named. */
    public static String credentialFor(String planId, List<String> credentials) {
        if (credentials == null || credentials.isEmpty()) {
            return null;
        }
        long bits =
                UUID.nameUUIDFromBytes(planId.getBytes(StandardCharsets.UTF_8)).getLeastSignificantBits();
        return credentials.get((int) Math.floorMod(bits, (long) credentials.size()));
    }
}
