package dev.arcfleet.support.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The header parsing of the mechanism, with a routing context that answers only what the mechanism asks. */
class BearerTokenMechanismTest {
    private final List<String> presented = new ArrayList<>();
    private final IdentityProviderManager identities = new IdentityProviderManager() {
        @Override
        public Uni<SecurityIdentity> authenticate(AuthenticationRequest request) {
            presented.add(((TokenAuthenticationRequest) request).getToken().getToken());
            return Uni.createFrom()
                    .item(QuarkusSecurityIdentity.builder()
                            .setPrincipal(new QuarkusPrincipal("t"))
                            .build());
        }

        @Override
        public SecurityIdentity authenticateBlocking(AuthenticationRequest request) {
            throw new UnsupportedOperationException();
        }
    };

    private static RoutingContext contextWith(String authorization) {
        HttpServerRequest request = (HttpServerRequest) Proxy.newProxyInstance(
                BearerTokenMechanismTest.class.getClassLoader(),
                new Class<?>[] {HttpServerRequest.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getHeader") && "Authorization".equals(String.valueOf(args[0]))) {
                        return authorization;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        Map<String, Object> data = new HashMap<>();
        return (RoutingContext) Proxy.newProxyInstance(
                BearerTokenMechanismTest.class.getClassLoader(),
                new Class<?>[] {RoutingContext.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "request" -> request;
                    case "put" -> {
                        data.put((String) args[0], args[1]);
                        yield proxy;
                    }
                    case "get" -> data.get((String) args[0]);
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private Optional<SecurityIdentity> authenticate(boolean enabled, String header) {
        TestAuthConfig config = new TestAuthConfig(
                enabled, Optional.empty(), Optional.empty(), Optional.empty(), java.time.Duration.ofSeconds(30));
        return Optional.ofNullable(new BearerTokenMechanism(config)
                .authenticate(contextWith(header), identities)
                .await()
                .indefinitely());
    }

    @Test
    void aBearerHeaderPresentsItsTokenTrimmed() {
        assertThat(authenticate(true, "Bearer afo_abc")).isPresent();
        authenticate(true, "bearer   afo_def  ");
        authenticate(true, "BEARER afo_ghi");
        assertThat(presented).containsExactly("afo_abc", "afo_def", "afo_ghi");
    }

    @Test
    void withoutAUsableBearerHeaderTheRequestIsAnonymous() {
        assertThat(authenticate(true, null)).isEmpty();
        assertThat(authenticate(true, "Bearer ")).isEmpty();
        assertThat(authenticate(true, "Basic YWRtaW46YWRtaW4=")).isEmpty();
        assertThat(authenticate(true, "Bearerafo_abc")).isEmpty();
        assertThat(presented).isEmpty();
    }

    @Test
    void withAuthenticationOffEveryRequestIsAdmin() {
        SecurityIdentity identity = authenticate(false, null).orElseThrow();
        assertThat(identity.getRoles()).containsExactlyInAnyOrder(Roles.ADMIN, Roles.OPERATOR, Roles.READER);
        assertThat(presented).isEmpty();
    }

    @Test
    void theChallengeAsksForABearerToken() {
        ChallengeData challenge = new BearerTokenMechanism(
                        TestAuthConfig.enabledWith(Optional.empty(), Optional.empty()))
                .getChallenge(contextWith(null))
                .await()
                .indefinitely();
        assertThat(challenge.status).isEqualTo(401);
        assertThat(challenge.getHeaders()).containsEntry("WWW-Authenticate", "Bearer realm=\"arc-fleet-onboarding\"");
    }
}
