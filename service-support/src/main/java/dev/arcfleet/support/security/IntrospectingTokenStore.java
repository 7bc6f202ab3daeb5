package dev.arcfleet.support.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Asks inventory-service whether a token is valid (its introspection endpoint, in the manner of RFC 7662) and reuses the
 * answer for {@code fleet.auth.introspection-cache-ttl}, keyed by the token's hash. Used by every service that has no
 * token table of its own. The cache holds at most {@value #MAX_CACHED} answers and, full, forgets the one used longest
 * ago (LRU): a flood of unknown tokens costs their own lookups, never the cached answers for tokens in use.
 */
@DefaultBean
@ApplicationScoped
public class IntrospectingTokenStore implements TokenStore {
    static final int MAX_CACHED = 10_000;

    private record Answer(Optional<TokenGrant> grant, Instant until) {}

    private final Optional<URI> endpoint;
    private final Duration ttl;
    /** What this service presents to the introspection endpoint (fleet.auth.service-token-file). */
    private final Optional<String> serviceToken;

    private final ObjectMapper mapper;
    private final Clock clock;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    /** Access-ordered, so the eldest entry is the one used longest ago; guarded by itself. */
    private final LinkedHashMap<String, Answer> cache;

    @Inject
    public IntrospectingTokenStore(AuthConfig config, ObjectMapper mapper) {
        this(config, mapper, MAX_CACHED);
    }

    IntrospectingTokenStore(AuthConfig config, ObjectMapper mapper, int maxCached) {
        this(config, mapper, maxCached, Clock.systemUTC());
    }

    /** With the clock that decides when a cached answer has expired (a test's). */
    IntrospectingTokenStore(AuthConfig config, ObjectMapper mapper, int maxCached, Clock clock) {
        this.clock = clock;
        this.endpoint = config.introspectionUrl().map(URI::create);
        this.serviceToken = config.serviceTokenFile().map(IntrospectingTokenStore::readToken);
        this.ttl = config.introspectionCacheTtl();
        this.mapper = mapper;
        this.cache = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Answer> eldest) {
                return size() > maxCached;
            }
        };
    }

    @Override
    public Optional<TokenGrant> lookup(String token) {
        if (endpoint.isEmpty()) {
            return Optional.empty();
        }
        String key = TokenHash.of(token);
        Instant now = clock.instant();
        Answer cached;
        synchronized (cache) {
            cached = cache.get(key);
        }
        if (cached != null && cached.until().isAfter(now)) {
            return cached.grant();
        }
        // asked outside the lock: a slow answer holds up no other token's lookup
        Optional<TokenGrant> grant = ask(token);
        synchronized (cache) {
            cache.put(key, new Answer(grant, now.plus(ttl)));
        }
        return grant;
    }

    private Optional<TokenGrant> ask(String token) {
        try {
            String body = mapper.writeValueAsString(Map.of("token", token));
            HttpRequest.Builder builder = HttpRequest.newBuilder(endpoint.get())
                    .timeout(Duration.ofSeconds(5))
                    .header("Content-Type", "application/json");
            // inventory answers introspection only to the services (their shared service token) and to admins
            serviceToken.ifPresent(t -> builder.header("Authorization", "Bearer " + t));
            HttpRequest request =
                    builder.POST(HttpRequest.BodyPublishers.ofString(body)).build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new TokenCheckUnavailableException(
                        "the token check at " + endpoint.get() + " answered HTTP " + response.statusCode(), null);
            }
            JsonNode answer = mapper.readTree(response.body());
            if (!answer.path("active").asBoolean(false)) {
                return Optional.empty();
            }
            JsonNode site = answer.get("site");
            return Optional.of(new TokenGrant(
                    answer.path("name").asText("token"),
                    answer.path("role").asText(),
                    site == null || site.isNull() ? null : site.asText()));
        } catch (IOException e) {
            throw new TokenCheckUnavailableException(
                    "the token check at " + endpoint.get() + " cannot be reached: "
                            + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()),
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TokenCheckUnavailableException("interrupted while checking a token", e);
        }
    }

    private static String readToken(String file) {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of(file), java.nio.charset.StandardCharsets.UTF_8)
                    .trim();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(
                    "fleet.auth.service-token-file " + file + " cannot be read: " + e.getMessage(), e);
        }
    }
}
