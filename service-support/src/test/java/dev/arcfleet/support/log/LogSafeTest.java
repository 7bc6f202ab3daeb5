package dev.arcfleet.support.log;

import static org.assertj.core.api.Assertions.assertThat;

import org.jboss.logging.MDC;
import org.junit.jupiter.api.Test;

/** A value from outside written to a log line stays on that line and cannot steer a terminal. */
class LogSafeTest {

    @Test
    void lineBreaksEscapesAndOtherControlCharactersAreReplaced() {
        String forged = "worker-1\r\n2026-12-02 10:00:00,000 INFO  [d.a.e.s.ExecutionWorkers] plan x succeeded";
        String safe = LogSafe.of(forged);
        assertThat(safe).doesNotContain("\r").doesNotContain("\n").startsWith("worker-1\\u000d\\u000a2026-12-02");
        assertThat(LogSafe.of("a\u001b[2Jb")).isEqualTo("a\\u001b[2Jb");
        assertThat(LogSafe.of("nul\u0000here")).isEqualTo("nul\\u0000here");
        assertThat(LogSafe.of("tab\there")).isEqualTo("tab\\u0009here");
        assertThat(LogSafe.of("del\u007fc1\u0085\u009bend")).isEqualTo("del\\u007fc1\\u0085\\u009bend");
        assertThat(LogSafe.of("line\u2028para\u2029bidi\u202eend")).isEqualTo("line\\u2028para\\u2029bidi\\u202eend");
        for (char c = 0; c < 0xa0; c++) {
            if (c < 0x20 || c >= 0x7f) {
                assertThat(LogSafe.of("x" + c + "y"))
                        .as("U+%04x", (int) c)
                        .hasSize(8)
                        .doesNotContain(String.valueOf(c));
            }
        }
    }

    @Test
    void ordinaryTextPassesUnchangedAndNullIsSaid() {
        assertThat(LogSafe.of("ghent-line3/worker-1 Zürich ✓ 東京")).isEqualTo("ghent-line3/worker-1 Zürich ✓ 東京");
        assertThat(LogSafe.of(null)).isEqualTo("null");
        assertThat(LogSafe.of(42)).isEqualTo("42");
        assertThat(LogSafe.of("back\\slash")).isEqualTo("back\\slash");
    }

    @Test
    void aHugeValueIsClippedWithItsLengthSaid() {
        String huge = "a".repeat(100_000);
        String safe = LogSafe.of(huge);
        assertThat(safe)
                .hasSizeLessThan(LogSafe.MAX_LENGTH + 40)
                .startsWith("a".repeat(100))
                .endsWith("(100000 characters)");
    }

    @Test
    void theCorrelationIdInTheLoggingContextIsMadeSafe() {
        try (Correlation.Scope ignored = Correlation.open("corr-1\nFORGED LINE")) {
            assertThat(MDC.get(Correlation.MDC_KEY)).isEqualTo("corr-1\\u000aFORGED LINE");
        }
        assertThat(MDC.get(Correlation.MDC_KEY)).isNull();
    }

    @Test
    void controlCharactersAreEscapedSoNoLineCanBeForged() {
        String forged = "node-1\r\n2026-12-02 10:00:00,000 INFO  [dev.arc] admin token accepted\u0000\u202e";
        String safe = LogSafe.of(forged);
        assertThat(safe)
                .doesNotContain("\n")
                .doesNotContain("\r")
                .doesNotContain("\u0000")
                .doesNotContain("\u202e")
                .startsWith("node-1\\u000d\\u000a2026")
                .endsWith("\\u0000\\u202e");
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
