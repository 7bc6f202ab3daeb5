package dev.arcfleet.support.security;

import io.quarkus.logging.Log;
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
import java.util.Optional;

/**
 * Turns a bearer token into an identity: the bootstrap admin token from {@code fleet.auth.admin-token-file}, or a
 * token the {@link TokenStore} knows and has not seen revoked. An unknown or revoked token is a 401; a store that cannot
 * answer is a 503 ({@link TokenCheckUnavailableException}); no token text reaches a log line.
 */
@ApplicationScoped
public class TokenIdentityProvider implements IdentityProvider<TokenAuthenticationRequest> {
    private static final TokenGrant BOOTSTRAP_ADMIN = new TokenGrant("admin (bootstrap token)", Roles.ADMIN, null);
    private static final TokenGrant SERVICE = new TokenGrant("service (service token)", Roles.SERVICE, null);

    private final byte[] adminHash;
    private final byte[] serviceHash;
    private final TokenStore store;

    public TokenIdentityProvider(AuthConfig config, TokenStore store) {
        this.store = store;
        this.adminHash = config.adminTokenFile()
                .map(TokenIdentityProvider::readAdminHash)
                .orElse(null);
        this.serviceHash = config.serviceTokenFile()
                .map(TokenIdentityProvider::readAdminHash)
                .orElse(null);
    }

    private static byte[] readAdminHash(String file) {
        try {
            String token =
                    Files.readString(Path.of(file), StandardCharsets.UTF_8).trim();
            if (token.length() < 24) {
                throw new IllegalStateException("the token in " + file + " is shorter than 24 characters");
            }
            return TokenHash.of(token).getBytes(StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalStateException("the token file " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
        return TokenAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(
            TokenAuthenticationRequest request, AuthenticationRequestContext context) {
        String token = request.getToken().getToken();
        if (isBootstrapAdmin(token)) {
            return Uni.createFrom().item(identity(BOOTSTRAP_ADMIN));
        }
        if (isServiceToken(token)) {
            return Uni.createFrom().item(identity(SERVICE));
        }
        return context.runBlocking(() -> identity(store.lookup(token).orElseThrow(() -> {
            Log.debug("a bearer token that is unknown or revoked was refused");
            return new AuthenticationFailedException("unknown or revoked token");
        })));
    }

    /** What the token grants, if anything; may block (the store is asked). */
    public Optional<TokenGrant> grantOf(String token) {
        return isBootstrapAdmin(token)
                ? Optional.of(BOOTSTRAP_ADMIN)
                : isServiceToken(token) ? Optional.of(SERVICE) : store.lookup(token);
    }

    private boolean isBootstrapAdmin(String token) {
        return adminHash != null
                && MessageDigest.isEqual(adminHash, TokenHash.of(token).getBytes(StandardCharsets.US_ASCII));
    }

    private boolean isServiceToken(String token) {
        return serviceHash != null
                && MessageDigest.isEqual(serviceHash, TokenHash.of(token).getBytes(StandardCharsets.US_ASCII));
    }

    private static SecurityIdentity identity(TokenGrant grant) {
        QuarkusSecurityIdentity.Builder builder = QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal(grant.name()))
                .addRoles(Roles.granted(grant.role()));
        if (grant.site() != null) {
            builder.addAttribute(Roles.SITE_ATTRIBUTE, grant.site());
        }
        return builder.build();
    }
}
