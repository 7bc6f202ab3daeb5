package dev.arcfleet.inventory.security;

import dev.arcfleet.support.security.TokenGrant;
import dev.arcfleet.support.security.TokenHash;
import dev.arcfleet.support.security.TokenStore;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/** The tokens created through {@code /api/v1/tokens}: looked up by hash on every request, so a revocation counts at once. */
@ApplicationScoped
public class DatabaseTokenStore implements TokenStore {
    @Override
    public Optional<TokenGrant> lookup(String token) {
        String hash = TokenHash.of(token);
        return QuarkusTransaction.requiringNew()
                .call(() -> ApiTokenEntity.<ApiTokenEntity>find("tokenHash = ?1 and revokedAt is null", hash)
                        .firstResultOptional()
                        .map(t -> new TokenGrant(t.name, t.role, t.site)));
    }
}
