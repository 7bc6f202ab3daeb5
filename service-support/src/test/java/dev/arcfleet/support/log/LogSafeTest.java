package dev.arcfleet.support.log;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LogSafeTest {
    @Test
    void controlCharactersAreEscapedSoNoLineCanBeForged() {
        String forged = "node-1\r\n2026-12-02 10:00:00,000 INFO  [dev.arc] admin token accepted\u0000\u202e";
        String safe = LogSafe.of(forged);
        assertThat(safe).doesNotContain("\n").doesNotContain("\r").doesNotContain("\u0000").doesNotContain("\u202e")
                .startsWith("node-1\\u000d\\u000a2026").endsWith("\\u0000\\u202e");
        assertThat(LogSafe.hasUnsafe(forged)).isTrue();
        assertThat(LogSafe.hasUnsafe("ghent-line3/worker-1")).isFalse();
    }

    @Test
    void plainValuesAreKeptAndLongOnesClipped() {
        assertThat(LogSafe.of("ghent-line3/worker-1")).isEqualTo("ghent-line3/worker-1");
        assertThat(LogSafe.of(null)).isEqualTo("null");
        assertThat(LogSafe.of("x".repeat(1000), 10)).isEqualTo("xxxxxxxxxx...(1000 characters)");
    }
}
