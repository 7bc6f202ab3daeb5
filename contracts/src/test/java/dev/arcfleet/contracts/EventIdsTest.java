package dev.arcfleet.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventIdsTest {

    @Test
    void anIdIsAVersion7UuidCarryingItsMillisecond() {
        long at = 1_733_300_000_123L; // 2024-12-04T08:13:20.123Z
        UUID id = EventIds.at(at);
        assertThat(id.version()).isEqualTo(7);
        assertThat(id.variant()).isEqualTo(2);
        assertThat(id.getMostSignificantBits() >>> 16).isEqualTo(at);
        // RFC 9562, appendix A.6: 017F22E2-79B0-7CC3-98C4-DC0C0C07398F is 2022-02-22T19:22:22.000Z
        assertThat(UUID.fromString("017F22E2-79B0-7CC3-98C4-DC0C0C07398F").getMostSignificantBits() >>> 16)
                .isEqualTo(1_645_557_742_000L);
        String text = EventIds.next();
        assertThat(UUID.fromString(text).version()).isEqualTo(7);
        assertThat(Ids.valid(Ids.EVENT_ID, text)).isTrue();
        assertThat(text).hasSize(36);
    }

    @Test
    void idsOfLaterMillisecondsSortAfterEarlierOnesAsTextAndNoneRepeats() {
        List<String> ids = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        long start = 1_733_300_000_000L;
        for (int ms = 0; ms < 1_000; ms++) {
            for (int i = 0; i < 100; i++) {
                String id = EventIds.at(start + ms * 7L).toString();
                assertThat(seen.add(id)).as("repeated id %s", id).isTrue();
                if (i == 0) {
                    ids.add(id);
                }
            }
        }
        assertThat(ids).isSorted();
        // the random bits vary: within one millisecond the ids are not one value
        Set<Long> randomBits = new HashSet<>();
        for (int i = 0; i < 1_000; i++) {
            randomBits.add(EventIds.at(start).getLeastSignificantBits());
        }
        assertThat(randomBits).hasSize(1_000);
    }
}
