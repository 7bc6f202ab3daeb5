package dev.arcfleet.testsupport.arm;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** ARM's throttling as the emulator keeps it: per principal and kind, under the subscription's ceiling. */
class ArmEmulatorThrottlingTest {
    private static final String SUB = "/subscriptions/00000000-0000-0000-0000-0000000000b2";
    private final HttpClient http = HttpClient.newHttpClient();
    private ArmEmulator arm;

    @BeforeEach
    void start() {
        arm = new ArmEmulator().start();
        arm.principal("token-of-app-1", "app-1");
        arm.principal("token-of-app-2", "app-2");
        arm.principal("other-token-of-app-1", "app-1");
    }

    @AfterEach
    void stop() {
        arm.close();
    }

    private HttpResponse<String> call(String method, String token, String group) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create(arm.endpoint() + SUB + "/resourceGroups/" + group + "?api-version=2024-11-01"))
                .header("Authorization", "Bearer " + token);
        request = switch (method) {
            case "PUT" ->
                request.PUT(HttpRequest.BodyPublishers.ofString("{\"location\":\"westeurope\"}"))
                        .header("Content-Type", "application/json");
            case "DELETE" -> request.DELETE();
            default -> request.GET();
        };
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void eachPrincipalHasItsOwnBucketAndTokensOfOnePrincipalShareIt() throws Exception {
        arm.writeBudget(2, 0.01);
        assertThat(call("PUT", "token-of-app-1", "a").statusCode()).isEqualTo(201);
        assertThat(call("PUT", "other-token-of-app-1", "b").statusCode()).isEqualTo(201);
        HttpResponse<String> throttled = call("PUT", "token-of-app-1", "c");
        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(Long.parseLong(throttled.headers().firstValue("Retry-After").orElseThrow()))
                .isGreaterThan(90);
        assertThat(throttled.body()).contains("operation type - Write");
        assertThat(call("PUT", "token-of-app-2", "c").statusCode())
                .as("another principal")
                .isEqualTo(201);
        assertThat(arm.throttled(ArmEmulator.Kind.WRITE)).isEqualTo(1);
        assertThat(arm.passedPerSecond(ArmEmulator.Kind.WRITE).values().stream()
                        .mapToInt(Integer::intValue)
                        .sum())
                .isEqualTo(3);
    }

    @Test
    void theSubscriptionCeilingIsSharedByAllPrincipals() throws Exception {
        arm.writeBudget(2, 0.01);
        arm.ceilingFactor(1.5); // 3 writes for the whole subscription
        assertThat(call("PUT", "token-of-app-1", "a").statusCode()).isEqualTo(201);
        assertThat(call("PUT", "token-of-app-1", "b").statusCode()).isEqualTo(201);
        assertThat(call("PUT", "token-of-app-2", "c").statusCode()).isEqualTo(201);
        assertThat(call("PUT", "token-of-app-2", "d").statusCode())
                .as("app-2's own bucket has one left")
                .isEqualTo(429);
    }

    @Test
    void readsWritesAndDeletesHaveTheirOwnBuckets() throws Exception {
        arm.budget(ArmEmulator.Kind.READ, 1, 0.01);
        arm.budget(ArmEmulator.Kind.DELETE, 1, 0.01);
        assertThat(call("GET", "token-of-app-1", "a").statusCode()).isEqualTo(404);
        HttpResponse<String> read = call("GET", "token-of-app-1", "a");
        assertThat(read.statusCode()).isEqualTo(429);
        assertThat(read.headers().firstValue("x-ms-ratelimit-remaining-subscription-reads"))
                .hasValue("0");
        HttpResponse<String> write = call("PUT", "token-of-app-1", "a");
        assertThat(write.statusCode()).as("reads never drain writes").isEqualTo(201);
        assertThat(write.headers().firstValue("x-ms-ratelimit-remaining-subscription-writes"))
                .hasValue("199");
        assertThat(call("DELETE", "token-of-app-1", "a").statusCode()).isIn(200, 202);
        assertThat(call("DELETE", "token-of-app-1", "b").statusCode()).isEqualTo(429);
        assertThat(arm.throttled(ArmEmulator.Kind.READ)).isEqualTo(1);
        assertThat(arm.throttled(ArmEmulator.Kind.DELETE)).isEqualTo(1);
        assertThat(arm.writes()).as("PUTs and DELETEs that passed").isEqualTo(2);
    }

    @Test
    void aRetryAfterCanBeAnHttpDateAtLeastTheWaitAway() throws Exception {
        arm.retryAfterAsHttpDate(true);
        arm.throttleFor(ArmEmulator.Kind.WRITE, Duration.ofSeconds(3));
        Instant asked = Instant.now();
        HttpResponse<String> throttled = call("PUT", "token-of-app-1", "a");
        assertThat(throttled.statusCode()).isEqualTo(429);
        String date = throttled.headers().firstValue("Retry-After").orElseThrow();
        assertThat(date).matches("[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT");
        Instant at =
                ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        assertThat(at).isAfterOrEqualTo(asked.plusSeconds(3).minusMillis(100)).isBefore(asked.plusSeconds(5));
        assertThat(call("GET", "token-of-app-1", "a").statusCode())
                .as("reads are not in the incident")
                .isEqualTo(404);
    }
}
