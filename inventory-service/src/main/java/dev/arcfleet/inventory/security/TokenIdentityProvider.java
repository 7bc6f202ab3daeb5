package dev.arcfleet.inventory.security;

import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;

/**
 * Turns a bearer token into an identity: the bootstrap admin token from {@code fleet.auth.admin-token-file}, or a
 * token created through {@code /api/v1/tokens} and not revoked (looked up by its hash on every request, so a
 * revocation takes effect at once). An unknown or revoked token is a 401; no token text reaches a log line.
 */
@ApplicationScoped
public class TokenIdentityProvider implements IdentityProvider<TokenAuthenticationRequest> {
    private final byte[] adminHash;

    public TokenIdentityProvider(AuthConfig config) {
        this.adminHash = config.adminTokenFile().map(TokenIdentityProvider::readAdminHash).orElse(null);
    }

    private static byte[] readAdminHash(String file) {
        try {
            String token = Files.readString(Path.of(file), StandardCharsets.UTF_8).trim();
            if (token.length() < 24) {
                throw new IllegalStateException("the admin token in " + file + " is shorter than 24 characters");
            }
            return TokenHash.of(token).getBytes(StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalStateException("fleet.auth.admin-token-file " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
        return TokenAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TokenAuthenticationRequest request, AuthenticationRequestContext context) {
        String hash = TokenHash.of(request.getToken().getToken());
        if (adminHash != null && MessageDigest.isEqual(adminHash, hash.getBytes(StandardCharsets.US_ASCII))) {
            return Uni.createFrom().item(identity("admin (bootstrap token)", Roles.ADMIN, null));
        }
        return context.runBlocking(() -> {
            List<ApiTokenEntity> found = QuarkusTransaction.requiringNew().call(() -> ApiTokenEntity
                    .<ApiTokenEntity>find("tokenHash = ?1 and revokedAt is null", hash).list());
            if (found.isEmpty()) {
                Log.debug("a bearer token that is unknown or revoked was refused");
                throw new AuthenticationFailedException("unknown or revoked token");
            }
            ApiTokenEntity token = found.get(0);
            return identity(token.name, token.role, token.site);
        });
    }

    private static SecurityIdentity identity(String name, String role, String site) {
        QuarkusSecurityIdentity.Builder builder = QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal(name)).addRoles(Roles.granted(role));
        if (site != null) {
            builder.addAttribute(Roles.SITE_ATTRIBUTE, site);
        }
        return builder.build();
    }
}
