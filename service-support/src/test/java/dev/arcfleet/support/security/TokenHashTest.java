package dev.arcfleet.support.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TokenHashTest {
    @Test
    void theHashIsTheHexSha256OfTheToken() {
        // SHA-256("abc"), the FIPS 180-2 test vector
        assertThat(TokenHash.of("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(TokenHash.of("afo_x")).isEqualTo(TokenHash.of("afo_x")).isNotEqualTo(TokenHash.of("afo_y"));
    }

    @Test
    void theHashDoesNotContainTheToken() {
        String token = TokenHash.newToken();
        assertThat(TokenHash.of(token)).hasSize(64).matches("[0-9a-f]{64}").doesNotContain(token.substring(4));
    }

    @Test
    void newTokensAre32RandomBytesInBase64UrlAfterThePrefix() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1_000; i++) {
            String token = TokenHash.newToken();
            assertThat(token).matches("afo_[A-Za-z0-9_-]{43}");
            assertThat(java.util.Base64.getUrlDecoder().decode(token.substring(4)))
                    .hasSize(32);
            seen.add(token);
        }
        assertThat(seen).hasSize(1_000);
    }
}
