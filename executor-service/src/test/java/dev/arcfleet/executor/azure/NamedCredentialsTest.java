package dev.arcfleet.executor.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arcfleet.executor.config.ExecutorConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Credentials by name: configured from the environment, picked per plan, never a secret in a message. */
class NamedCredentialsTest {
    private static ExecutorConfig config(Map<String, String> environment) {
        return new SmallRyeConfigBuilder()
                .withMapping(ExecutorConfig.class)
                .withConverter(java.time.Duration.class, 100, new io.quarkus.runtime.configuration.DurationConverter())
                .withSources(new EnvConfigSource(environment, 300))
                .build()
                .getConfigMapping(ExecutorConfig.class);
    }

    @Test
    void namedCredentialsComeFromTheEnvironment() {
        ExecutorConfig config = config(Map.of(
                "EXECUTOR_AZURE_CREDENTIALS_EUA_TENANT_ID", "11111111-2222-3333-4444-555555555555",
                "EXECUTOR_AZURE_CREDENTIALS_EUA_CLIENT_ID", "a0a0a0a0-1111-2222-3333-444444444444",
                "EXECUTOR_AZURE_CREDENTIALS_EUA_CLIENT_SECRET", "secret-of-eua",
                "EXECUTOR_AZURE_CREDENTIALS_US1_TOKEN_FILE", "/var/run/arm-token"));
        assertThat(config.azure().credentials()).containsOnlyKeys("eua", "us1");
        ExecutorConfig.NamedCredential eua = config.azure().credentials().get("eua");
        assertThat(eua.clientId()).hasValue("a0a0a0a0-1111-2222-3333-444444444444");
        assertThat(eua.clientSecret()).hasValue("secret-of-eua");
        assertThat(config.azure().credentials().get("us1").tokenFile())
                .hasValueSatisfying(p -> assertThat(p.toString()).isEqualTo("/var/run/arm-token"));

        AzureClients clients = new AzureClients(config, null, new ObjectMapper(), new SimpleMeterRegistry());
        assertThat(clients.principal("eua")).isEqualTo("a0a0a0a0-1111-2222-3333-444444444444");
        assertThat(clients.principal("us1"))
                .as("a token file's principal is its name")
                .isEqualTo("us1");
        assertThat(clients.hasCredential("eua")).isTrue();
        assertThat(clients.hasCredential("eub")).isFalse();
        assertThatThrownBy(() -> clients.principal("eub"))
                .isInstanceOf(AzureClients.CredentialProblem.class)
                .hasMessage("credential 'eub' is not configured in this executor (executor.azure.credentials.eub.*)");
    }

    @Test
    void anIncompleteCredentialIsNamedButItsSecretNever() {
        ExecutorConfig config = config(Map.of(
                "EXECUTOR_AZURE_ENDPOINT", "http://127.0.0.1:9",
                "EXECUTOR_AZURE_CREDENTIALS_HALF_CLIENT_SECRET", "secret-of-half"));
        AzureClients clients = new AzureClients(config, null, new ObjectMapper(), new SimpleMeterRegistry());
        assertThatThrownBy(() -> clients.armClient("half", "6f1c3e2a-0b7d-4c55-9a51-2f7d5c0e9b10"))
                .isInstanceOf(AzureClients.CredentialProblem.class)
                .hasMessageContaining("executor.azure.credentials.half needs tenant-id")
                .hasMessageNotContaining("secret-of-half");
    }

    @Test
    void aPlanKeepsOneCredentialAndPlansSpreadOverAll() {
        List<String> credentials = List.of("eua", "eub", "euc");
        Map<String, Integer> spread = new HashMap<>();
        for (int i = 0; i < 3000; i++) {
            String planId = UUID.randomUUID().toString();
            String picked = ArmAccounts.credentialFor(planId, credentials);
            assertThat(ArmAccounts.credentialFor(planId, credentials)).isEqualTo(picked);
            spread.merge(picked, 1, Integer::sum);
        }
        assertThat(spread).containsOnlyKeys(credentials);
        assertThat(spread.values()).allSatisfy(n -> assertThat(n).isBetween(800, 1200));
        assertThat(ArmAccounts.credentialFor("p1", List.of())).isNull();
        assertThat(ArmAccounts.credentialFor("p1", null)).isNull();
        // the same on every replica, JVM and version: the pick depends on the plan id alone (pinned here)
        assertThat(ArmAccounts.credentialFor("9a6e1f9e-2f4b-4c1d-8a77-3f0b1c2d3e4f", credentials))
                .isEqualTo("eub");
        assertThat(ArmAccounts.credentialFor("p1", credentials)).isEqualTo("euc");
        assertThat(ArmAccounts.credentialFor("plan-2", credentials)).isEqualTo("eua");
    }
}
