package dev.arcfleet.support.security;

import java.util.Optional;

/**
 * Where tokens are looked up. inventory-service owns them (its database); the other services ask it
 * ({@link IntrospectingTokenStore}). Called on a worker thread: an implementation may block.
 */
public interface TokenStore {
    /** The grant of a token that exists and is not revoked; empty otherwise. */
    Optional<TokenGrant> lookup(String token);
}
