package dev.arcfleet.support.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SafeIdsTest {
    /** The rule as it was written before the table: the table must agree with it on every input. */
    private static final Pattern RULE = Pattern.compile("[A-Za-z0-9._:/@+=~-]+");

    @Test
    void acceptsIdsOfTheAllowedCharactersWithinTheLimit() {
        assertThat(SafeIds.isSafe("0193a1b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b", 64)).isTrue();
        assertThat(SafeIds.isSafe("fleet.nodes-3@1200", 200)).isTrue();
        assertThat(SafeIds.isSafe("a.b_c:d/e@f+g=h~i-j", 64)).isTrue();
        assertThat(SafeIds.isSafe("x".repeat(64), 64)).isTrue();
    }

    @Test
    void refusesEmptyTooLongAndEveryOtherCharacter() {
        assertThat(SafeIds.isSafe("", 64)).isFalse();
        assertThat(SafeIds.isSafe("x".repeat(65), 64)).isFalse();
        for (String bad : List.of(
                "a b", "a\nb", "a\u0000b", "a%b", "a,b", "a;b", "a*b", "a\\b", "é", "a\u2028", "\uD83D\uDE00")) {
            assertThat(SafeIds.isSafe(bad, 64)).as(bad).isFalse();
        }
    }

    @Test
    void agreesWithTheRegularExpressionOnRandomText() {
        Random random = new Random(42);
        List<String> samples = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(6);
            for (int j = 0; j < length; j++) {
                // mostly ASCII, some beyond it
                text.append((char) (random.nextInt(10) == 0 ? random.nextInt(0x3000) : random.nextInt(128)));
            }
            samples.add(text.toString());
        }
        for (String sample : samples) {
            assertThat(SafeIds.isSafe(sample, 64))
                    .as("%s", sample.chars().boxed().toList())
                    .isEqualTo(RULE.matcher(sample).matches());
        }
    }
}
