package dev.arcfleet.support.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.credential.TokenCredential;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.smallrye.mutiny.Uni;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenIdentityProviderTest {
    private static final String ADMIN_TOKEN = "afo_bootstrap-admin-token-for-tests";
    private static final String SERVICE_TOKEN = "afo_service-token-for-tests-0001";
    private static final AuthenticationRequestContext BLOCKING =
            supplier -> Uni.createFrom().item(supplier);

    @TempDir
    Path dir;

    private final TokenStore store = token -> Optional.ofNullable(Map.of(
                            "afo_registrar", new TokenGrant("site-7 registrar", Roles.REGISTRAR, "site-7"),
                            "afo_down", new TokenGrant("never", Roles.ADMIN, null))
                    .get(token))
            .map(grant -> {
                if (grant.name().equals("never")) {
                    throw new TokenCheckUnavailableException("the token check cannot be reached", null);
                }
                return grant;
            });

    private TokenIdentityProvider provider() throws IOException {
        Path admin = Files.writeString(dir.resolve("admin-token"), ADMIN_TOKEN + "\n");
        Path service = Files.writeString(dir.resolve("service-token"), "  " + SERVICE_TOKEN + "\n");
        return new TokenIdentityProvider(
                TestAuthConfig.enabledWith(Optional.of(admin.toString()), Optional.of(service.toString())), store);
    }

    private static SecurityIdentity authenticate(TokenIdentityProvider provider, String token) {
        return provider.authenticate(new TokenAuthenticationRequest(new TokenCredential(token, "bearer")), BLOCKING)
                .await()
                .indefinitely();
    }

    @Test
    void theBootstrapAndServiceTokensAreKnownWithoutTheStore() throws IOException {
        TokenIdentityProvider provider = provider();
        assertThat(authenticate(provider, ADMIN_TOKEN).getRoles())
                .containsExactlyInAnyOrder(Roles.ADMIN, Roles.OPERATOR, Roles.READER);
        assertThat(authenticate(provider, SERVICE_TOKEN).getRoles()).containsExactly(Roles.SERVICE);
        assertThat(provider.grantOf(ADMIN_TOKEN))
                .hasValueSatisfying(g -> assertThat(g.role()).isEqualTo(Roles.ADMIN));
        assertThat(provider.grantOf(SERVICE_TOKEN))
                .hasValueSatisfying(g -> assertThat(g.role()).isEqualTo(Roles.SERVICE));
    }

    @Test
    void aStoredTokenGetsItsRoleAndSite() throws IOException {
        SecurityIdentity identity = authenticate(provider(), "afo_registrar");
        assertThat(identity.getRoles()).containsExactly(Roles.REGISTRAR);
        assertThat((String) identity.getAttribute(Roles.SITE_ATTRIBUTE)).isEqualTo("site-7");
        assertThat(identity.getPrincipal().getName()).isEqualTo("site-7 registrar");
    }

    @Test
    void anUnknownTokenFailsAndAStoreThatCannotAnswerSaysSo() throws IOException {
        TokenIdentityProvider provider = provider();
        assertThatThrownBy(() -> authenticate(provider, "afo_unknown"))
                .isInstanceOf(AuthenticationFailedException.class);
        assertThatThrownBy(() -> authenticate(provider, ADMIN_TOKEN + "x"))
                .isInstanceOf(AuthenticationFailedException.class);
        assertThat(provider.grantOf("afo_unknown")).isEmpty();
        assertThatThrownBy(() -> authenticate(provider, "afo_down")).isInstanceOf(TokenCheckUnavailableException.class);
    }

    @Test
    void aShortOrMissingTokenFileIsRefusedAtStartup() throws IOException {
        Path shortToken = Files.writeString(dir.resolve("short"), "afo_short\n");
        assertThatThrownBy(() -> new TokenIdentityProvider(
                        TestAuthConfig.enabledWith(Optional.of(shortToken.toString()), Optional.empty()), store))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("shorter than 24");
        assertThatThrownBy(() -> new TokenIdentityProvider(
                        TestAuthConfig.enabledWith(
                                Optional.empty(),
                                Optional.of(dir.resolve("absent").toString())),
                        store))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void withoutTokenFilesOnlyTheStoreDecides() {
        TokenIdentityProvider provider =
                new TokenIdentityProvider(TestAuthConfig.enabledWith(Optional.empty(), Optional.empty()), store);
        assertThat(provider.grantOf(ADMIN_TOKEN)).isEmpty();
        assertThat(provider.grantOf("afo_registrar")).isPresent();
    }
}
