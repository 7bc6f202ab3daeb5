package dev.arcfleet.support.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

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

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/v1/tokens/introspect", exchange -> {
            String token = json.readTree(exchange.getRequestBody()).path("token").asText();
            synchronized (asked) {
                asked.add(token);
                authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            }
            byte[] body = ("{\"active\": " + token.startsWith("good") + ", \"name\": \"" + token
                    + "\", \"role\": \"reader\"}").getBytes(StandardCharsets.UTF_8);
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
        return new IntrospectingTokenStore(config, json, capacity);
    }

    @Test
    void eachCallPresentsTheServiceToken() throws IOException {
        serviceTokenFile = java.nio.file.Files.createTempFile("service-token-", ".txt");
        java.nio.file.Files.writeString(serviceTokenFile, "afo_service-token-for-the-test\n");
        IntrospectingTokenStore store = store(3);
        store.lookup("good-a");
        store.lookup("bad-b");
        synchronized (asked) {
            assertThat(authorizations).containsExactly("Bearer afo_service-token-for-the-test",
                    "Bearer afo_service-token-for-the-test");
        }
    }

    @Test
    void aFullCacheForgetsTheLeastRecentlyUsedTokenOnly() {
        IntrospectingTokenStore store = store(3);
        assertThat(store.lookup("good-a")).hasValueSatisfying(g -> assertThat(g.name()).isEqualTo("good-a"));
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
