package dev.arcfleet.support.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The introspection cache against a real HTTP endpoint (a JDK server answering like inventory's introspection): a
 * full cache forgets the token used longest ago, not every token at once (issue 19, "its cache empties when full": a
 * flood of unknown tokens made every service ask again for every valid one).
 */
class IntrospectingTokenStoreTest {
    private HttpServer server;
    private final List<String> asked = new ArrayList<>();
    private final ObjectMapper json = new ObjectMapper();
    private final java.util.List<String> authorizations = new java.util.ArrayList<>();
    private java.nio.file.Path serviceTokenFile;
    private final TestClock clock = new TestClock();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/v1/tokens/introspect", exchange -> {
            String token =
                    json.readTree(exchange.getRequestBody()).path("token").asText();
            synchronized (asked) {
                asked.add(token);
                authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            }
            byte[] body = ("{\"active\": " + token.startsWith("good") + ", \"name\": \"" + token
                            + "\", \"role\": \"reader\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private IntrospectingTokenStore store(int capacity) {
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/api/v1/tokens/introspect";
        AuthConfig config = new AuthConfig() {
            public boolean enabled() {
                return true;
            }

            public Optional<String> adminTokenFile() {
                return Optional.empty();
            }

            public Optional<String> introspectionUrl() {
                return Optional.of(url);
            }

            public Duration introspectionCacheTtl() {
                return Duration.ofMinutes(5);
            }

            public Optional<String> serviceTokenFile() {
                return Optional.ofNullable(serviceTokenFile).map(Object::toString);
            }
        };
        return new IntrospectingTokenStore(config, json, capacity, clock);
    }

    /** A clock the test moves. */
    private static final class TestClock extends java.time.Clock {
        private volatile java.time.Instant now = java.time.Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public java.time.Clock withZone(java.time.ZoneId zone) {
            throw new UnsupportedOperationException();
        }

        @Override
        public java.time.Instant instant() {
            return now;
        }
    }

    @Test
    void anAnswerIsReusedForTheTtlAndAskedForAgainAfterIt() {
        IntrospectingTokenStore store = store(10);
        assertThat(store.lookup("good-a")).isPresent();
        assertThat(store.lookup("bad-b")).isEmpty();
        clock.advance(Duration.ofMinutes(5).minusSeconds(1));
        assertThat(store.lookup("good-a")).isPresent();
        assertThat(store.lookup("bad-b")).isEmpty();
        assertThat(asked).containsExactly("good-a", "bad-b");

        // five minutes after they were asked, both answers (the refusal too) have expired
        clock.advance(Duration.ofSeconds(1));
        assertThat(store.lookup("good-a")).isPresent();
        assertThat(store.lookup("bad-b")).isEmpty();
        assertThat(asked).containsExactly("good-a", "bad-b", "good-a", "bad-b");
    }

    @Test
    void anEndpointThatFailsIsUnavailableNotARefusal() {
        server.removeContext("/api/v1/tokens/introspect");
        server.createContext("/api/v1/tokens/introspect", exchange -> {
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
        });
        IntrospectingTokenStore store = store(10);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.lookup("good-a"))
                .isInstanceOf(TokenCheckUnavailableException.class)
                .hasMessageContaining("HTTP 500")
                .hasMessageNotContaining("good-a");
    }

    @Test
    void eachCallPresentsTheServiceToken() throws IOException {
        serviceTokenFile = java.nio.file.Files.createTempFile("service-token-", ".txt");
        java.nio.file.Files.writeString(serviceTokenFile, "afo_service-token-for-the-test\n");
        IntrospectingTokenStore store = store(3);
        store.lookup("good-a");
        store.lookup("bad-b");
        synchronized (asked) {
            assertThat(authorizations)
                    .containsExactly("Bearer afo_service-token-for-the-test", "Bearer afo_service-token-for-the-test");
        }
    }

    @Test
    void aFullCacheForgetsTheLeastRecentlyUsedTokenOnly() {
        IntrospectingTokenStore store = store(3);
        assertThat(store.lookup("good-a"))
                .hasValueSatisfying(g -> assertThat(g.name()).isEqualTo("good-a"));
        store.lookup("good-b");
        store.lookup("good-c");
        store.lookup("good-a");
        assertThat(asked).containsExactly("good-a", "good-b", "good-c");

        // a fourth token: b, used longest ago, makes room; a, c and d stay
        store.lookup("good-d");
        store.lookup("good-a");
        store.lookup("good-c");
        store.lookup("good-d");
        assertThat(asked).containsExactly("good-a", "good-b", "good-c", "good-d");
        store.lookup("good-b");
        assertThat(asked).containsExactly("good-a", "good-b", "good-c", "good-d", "good-b");
    }

    @Test
    void aFloodOfUnknownTokensDoesNotEvictATokenInUse() {
        IntrospectingTokenStore store = store(20);
        store.lookup("good-operator");
        for (int i = 0; i < 200; i++) {
            assertThat(store.lookup("forged-" + i)).isEmpty();
            if (i % 10 == 0) {
                assertThat(store.lookup("good-operator")).isPresent();
            }
        }
        assertThat(asked).filteredOn("good-operator"::equals).hasSize(1);
    }
}
