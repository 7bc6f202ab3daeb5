package dev.arcfleet.testsupport.arm;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Which principal may act on which subscription, as ARM's role assignments decide: 403 AuthorizationFailed. */
class ArmEmulatorRbacTest {
    private static final String EU = "00000000-0000-0000-0000-0000000000e1";
    private static final String US = "00000000-0000-0000-0000-0000000000a5";
    private static final String OPEN = "00000000-0000-0000-0000-00000000000f";
    private final HttpClient http = HttpClient.newHttpClient();
    private ArmEmulator arm;

    @BeforeEach
    void start() {
        arm = new ArmEmulator().start();
        arm.principal("token-eu", "app-eu");
        arm.principal("token-us", "app-us");
        arm.principal("token-anon", "app-anon");
    }

    @AfterEach
    void stop() {
        arm.close();
    }

    private HttpResponse<String> call(String method, String token, String subscription) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(
                        arm.endpoint() + "/subscriptions/" + subscription + "/resourceGroups/g?api-version=2024-11-01"))
                .header("Authorization", "Bearer " + token);
        request = "PUT".equals(method)
                ? request.PUT(HttpRequest.BodyPublishers.ofString("{\"location\":\"westeurope\"}"))
                        .header("Content-Type", "application/json")
                : request.GET();
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void withoutAnyGrantEveryPrincipalMayActAnywhere() throws Exception {
        assertThat(call("PUT", "token-eu", EU).statusCode()).isEqualTo(201);
        assertThat(call("PUT", "token-us", EU).statusCode()).isEqualTo(200);
        assertThat(arm.forbidden()).isZero();
    }

    @Test
    void aPrincipalActsOnlyWhereItHasARoleAndAGrantedSubscriptionRefusesOthers() throws Exception {
        arm.grant("app-eu", EU.toUpperCase());
        arm.grant("app-us", US);
        assertThat(call("PUT", "token-eu", EU).statusCode()).isEqualTo(201);
        assertThat(call("PUT", "token-us", US).statusCode()).isEqualTo(201);

        HttpResponse<String> elsewhere = call("PUT", "token-eu", US);
        assertThat(elsewhere.statusCode()).isEqualTo(403);
        assertThat(elsewhere.body())
                .contains("\"code\":\"AuthorizationFailed\"")
                .contains("'app-eu'")
                .contains("/subscriptions/" + US);
        assertThat(call("GET", "token-us", EU).statusCode()).as("reads too").isEqualTo(403);
        assertThat(call("PUT", "token-anon", EU).statusCode())
                .as("a principal without grants on a subscription that has some")
                .isEqualTo(403);
        assertThat(call("PUT", "token-anon", OPEN).statusCode())
                .as("a subscription without grants, a principal without grants")
                .isEqualTo(201);
        assertThat(call("PUT", "token-eu", OPEN).statusCode())
                .as("a principal with grants acts only where it has them")
                .isEqualTo(403);
        assertThat(arm.forbidden()).isEqualTo(4);
        assertThat(arm.resourceIds("(?i)/subscriptions/" + US + "/")).hasSize(1);
        assertThat(arm.throttled()).as("refused before throttling").isZero();
    }

    @Test
    void callsThatPassedAreCountedPerPrincipal() throws Exception {
        assertThat(call("PUT", "token-eu", EU).statusCode()).isEqualTo(201);
        assertThat(call("PUT", "token-eu", US).statusCode()).isEqualTo(201);
        assertThat(call("PUT", "token-us", US).statusCode()).isEqualTo(200);
        assertThat(arm.passedPerSecond(ArmEmulator.Kind.WRITE, "app-eu").values().stream()
                        .mapToInt(Integer::intValue)
                        .sum())
                .isEqualTo(2);
        assertThat(arm.passedPerSecond(ArmEmulator.Kind.WRITE, "app-us").values().stream()
                        .mapToInt(Integer::intValue)
                        .sum())
                .isEqualTo(1);
        assertThat(arm.passedPerSecond(ArmEmulator.Kind.READ, "app-us")).isEmpty();
    }
}
