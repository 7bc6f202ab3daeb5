package dev.arcfleet.executor.azure;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RetryAfterTest {
    private static final Instant NOW = Instant.parse("2026-12-03T05:00:00Z");

    @Test
    void readsDeltaSeconds() {
        assertThat(SdkArmClient.retryAfter("17", NOW)).isEqualTo(Duration.ofSeconds(17));
        assertThat(SdkArmClient.retryAfter(" 0 ", NOW)).isEqualTo(Duration.ZERO);
    }

    @Test
    void readsAnHttpDateAsTheTimeUntilIt() {
        assertThat(SdkArmClient.retryAfter("Thu, 03 Dec 2026 05:00:42 GMT", NOW))
                .isEqualTo(Duration.ofSeconds(42));
        assertThat(SdkArmClient.retryAfter("Thu, 03 Dec 2026 04:59:00 GMT", NOW))
                .as("a date already past")
                .isZero();
    }

    @Test
    void ignoresWhatIsAbsentOrUnreadable() {
        assertThat(SdkArmClient.retryAfter(null, NOW)).isNull();
        assertThat(SdkArmClient.retryAfter("", NOW)).isNull();
        assertThat(SdkArmClient.retryAfter("soon", NOW)).isNull();
        assertThat(SdkArmClient.retryAfter("-3", NOW)).isNull();
        assertThat(SdkArmClient.retryAfter("99999999999999999999", NOW)).isNull();
    }
}
