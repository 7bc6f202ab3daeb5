package dev.arcfleet.planner.handoff;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/**
 * Where the machines of a DIRECT_AGENT hand-off kit go in Azure and which service principal connects them. Only the
 * principal's id (its application id) is configured here, never its secret: the sites hold the secret.
 */
@ConfigMapping(prefix = "planner.handoff")
public interface HandoffConfig {
    /** Tenant of the subscription. */
    @WithDefault("00000000-0000-0000-0000-000000000000")
    String tenantId();

    @WithDefault("00000000-0000-0000-0000-000000000000")
    String subscriptionId();

    @WithDefault("arc-fleet")
    String resourceGroup();

    @WithDefault("westeurope")
    String location();

    /** azcmagent's {@code --cloud}: AzureCloud, AzureUSGovernment or AzureChinaCloud. */
    @WithDefault("AzureCloud")
    String cloud();

    /**
     * Application (client) id of the onboarding service principal (role "Azure Connected Machine Onboarding"). No kit
     * is made without it.
     */
    Optional<String> servicePrincipalId();
}
