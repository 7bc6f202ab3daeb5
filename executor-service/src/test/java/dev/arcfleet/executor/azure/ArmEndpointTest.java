package dev.arcfleet.executor.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The origin the bearer token and poll requests are kept to: scheme, host and port, nothing looser. */
class ArmEndpointTest {
    @Test
    void onlyUrlsOnTheSameSchemeHostAndPortAreOwned() {
        ArmEndpoint arm = new ArmEndpoint("https://management.azure.com/");
        assertThat(arm.owns("https://management.azure.com/subscriptions/s/providers/x/operations/1?api-version=1"))
                .isTrue();
        assertThat(arm.owns("https://MANAGEMENT.azure.com:443/subscriptions/s")).isTrue();
        assertThat(arm.owns("http://management.azure.com/subscriptions/s")).isFalse();
        assertThat(arm.owns("https://management.azure.com:8443/subscriptions/s"))
                .isFalse();
        assertThat(arm.owns("https://management.azure.com.evil.example/subscriptions/s"))
                .isFalse();
        assertThat(arm.owns("https://evil.example/management.azure.com")).isFalse();
        assertThat(arm.owns("https://management.azure.com@evil.example/")).isFalse();
        assertThat(arm.owns("https://user@management.azure.com/")).isFalse();
        assertThat(arm.owns("/subscriptions/s/relative")).isFalse();
        assertThat(arm.owns("not a url at all")).isFalse();
        assertThat(arm.owns(null)).isFalse();
        ArmEndpoint local = new ArmEndpoint("http://127.0.0.1:40123");
        assertThat(local.owns("http://127.0.0.1:40123/x")).isTrue();
        assertThat(local.owns("http://127.0.0.1:40124/x")).isFalse();
        assertThat(local.owns("http://localhost:40123/x")).isFalse();
    }

    @Test
    void aForeignPollUrlIsAPermanentFailureNamingBothOriginsButNoPathOrQuery() {
        ArmEndpoint arm = new ArmEndpoint("https://management.azure.com");
        assertThatThrownBy(() -> arm.requireOwned("https://evil.example:9/op?sig=secret\nX", "PUT /x"))
                .isInstanceOf(ArmEndpoint.UntrustedUrlException.class)
                .hasMessageContaining("https://evil.example:9")
                .hasMessageContaining("https://management.azure.com")
                .hasMessageNotContaining("sig=secret")
                .satisfies(
                        e -> assertThat(((ArmException) e).transientFailure()).isFalse());
    }
}
