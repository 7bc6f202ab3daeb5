package dev.arcfleet.executor.azure;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpPipelineBuilder;
import com.azure.core.http.policy.UserAgentPolicy;
import com.azure.core.http.vertx.VertxHttpClientBuilder;
import com.azure.core.management.AzureEnvironment;
import com.azure.core.management.profile.AzureProfile;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arcfleet.executor.config.ExecutorConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Builds the ARM clients and the shared ARM budget from {@code executor.azure.*}: the default credential's, and one per
 * named credential ({@code executor.azure.credentials.<name>}) and subscription. Secrets stay in memory only.
 */
@ApplicationScoped
public class AzureClients {
    private final ExecutorConfig.Azure config;
    private final Vertx vertx;
    private final ObjectMapper mapper;
    private final MeterRegistry registry;

    public AzureClients(ExecutorConfig config, Vertx vertx, ObjectMapper mapper, MeterRegistry registry) {
        this.config = config.azure();
        this.vertx = vertx;
        this.mapper = mapper;
        this.registry = registry;
    }

    /** The ARM budget in the shared database: every replica spends the same buckets. */
    @Produces
    @Singleton
    ArmBudget armBudget(DataSource dataSource) {
        return ArmBudget.of(dataSource, config);
    }

    /**
     * The principal ARM counts this executor's calls against: {@code executor.azure.client-id}, else the service
     * principal file's {@code clientId}, else {@code AZURE_CLIENT_ID}, else the credential's name. Never a secret.
     */
    public String principal() {
        if (config.clientId().isPresent() && !config.clientId().get().isBlank()) {
            return config.clientId().get().trim();
        }
        if ("service-principal-file".equals(config.credential())) {
            return text(readJson(requireFile()), "clientId");
        }
        String environment = System.getenv("AZURE_CLIENT_ID");
        return environment != null && !environment.isBlank() ? environment.trim() : config.credential();
    }

    /**
     * A named credential this executor cannot act with: none is configured under that name, or its configuration is
     * incomplete. The message names the setting, never a secret.
     */
    public static final class CredentialProblem extends RuntimeException {
        CredentialProblem(String message) {
            super(message, null, false, false);
        }

        static CredentialProblem unknown(String name) {
            return new CredentialProblem("credential '" + name + "' is not configured in this executor"
                    + " (executor.azure.credentials." + name + ".*)");
        }
    }

    /** Whether this executor has the named credential. */
    public boolean hasCredential(String name) {
        return config.credentials().containsKey(name);
    }

    /**
     * The principal ARM counts the named credential's calls against: its {@code client-id}, else its name (a token
     * file's). Null: the default credential's ({@link #principal()}).
     */
    public String principal(String credential) {
        if (credential == null) {
            return principal();
        }
        ExecutorConfig.NamedCredential named = named(credential);
        return named.clientId().filter(id -> !id.isBlank()).map(String::trim).orElse(credential);
    }

    /** Created on first use, so dry-run deployments never need Azure credentials. */
    public ArmClient armClient() {
        return armClient(null, config.subscriptionId());
    }

    /**
     * An ARM client acting with the named credential (null: the default one) in {@code subscriptionId} (resource groups
     * and provider registrations are read in it).
     */
    public ArmClient armClient(String credential, String subscriptionId) {
        TokenCredential token = credential == null ? credential() : credential(credential, named(credential));
        String endpoint = config.endpoint().endsWith("/") ? config.endpoint() : config.endpoint() + "/";
        Map<String, String> endpoints = new HashMap<>(AzureEnvironment.AZURE.getEndpoints());
        endpoints.put("resourceManagerEndpointUrl", endpoint);
        AzureEnvironment environment = new AzureEnvironment(endpoints);
        AzureProfile profile = new AzureProfile(config.tenantId().orElse(null), subscriptionId, environment);
        ArmEndpoint origin = new ArmEndpoint(endpoint);
        HttpPipeline pipeline = new HttpPipelineBuilder()
                .httpClient(new VertxHttpClientBuilder()
                        .vertx(vertx)
                        .responseTimeout(config.callTimeout())
                        .build())
                .policies(
                        new UserAgentPolicy("arc-fleet-onboarding"),
                        new BearerTokenPolicy(token, scope(), origin),
                        new ArmCallMetrics(registry))
                .build();
        return new SdkArmClient(pipeline, profile, origin);
    }

    private String scope() {
        String endpoint = config.endpoint().endsWith("/") ? config.endpoint() : config.endpoint() + "/";
        return endpoint + ".default";
    }

    private TokenCredential credential() {
        return switch (config.credential()) {
            case "default" -> new DefaultAzureCredentialBuilder().build();
            case "service-principal-file" -> {
                JsonNode sp = readJson(requireFile());
                yield new ClientSecretCredentialBuilder()
                        .tenantId(text(sp, "tenantId"))
                        .clientId(text(sp, "clientId"))
                        .clientSecret(text(sp, "clientSecret"))
                        .build();
            }
            case "token-file" -> {
                Path file = requireFile();
                yield request -> reactor.core.publisher.Mono.fromCallable(() -> new AccessToken(
                        Files.readString(file).trim(), OffsetDateTime.now().plusMinutes(30)));
            }
            default ->
                throw new IllegalStateException("executor.azure.credential must be default, service-principal-file or "
                        + "token-file, got " + config.credential());
        };
    }

    private ExecutorConfig.NamedCredential named(String name) {
        ExecutorConfig.NamedCredential named = config.credentials().get(name);
        if (named == null) {
            throw CredentialProblem.unknown(name);
        }
        return named;
    }

    private TokenCredential credential(String name, ExecutorConfig.NamedCredential named) {
        if (named.tokenFile().isPresent()) {
            Path file = named.tokenFile().get();
            return request -> reactor.core.publisher.Mono.fromCallable(() -> new AccessToken(
                    Files.readString(file).trim(), OffsetDateTime.now().plusMinutes(30)));
        }
        String tenant = named.tenantId().or(config::tenantId).orElse(null);
        if (tenant == null || named.clientId().isEmpty() || named.clientSecret().isEmpty()) {
            throw new CredentialProblem("executor.azure.credentials." + name + " needs tenant-id (or"
                    + " executor.azure.tenant-id), client-id and client-secret, or token-file");
        }
        return new ClientSecretCredentialBuilder()
                .tenantId(tenant)
                .clientId(named.clientId().get())
                .clientSecret(named.clientSecret().get())
                .build();
    }

    private Path requireFile() {
        return config.credentialFile()
                .orElseThrow(() -> new IllegalStateException(
                        "executor.azure.credential=" + config.credential() + " needs executor.azure.credential-file"));
    }

    private JsonNode readJson(Path file) {
        try {
            return mapper.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("credential file " + file + " is not readable JSON", e);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.asText().isBlank()) {
            throw new IllegalStateException("credential file lacks " + field);
        }
        return value.asText();
    }
}
