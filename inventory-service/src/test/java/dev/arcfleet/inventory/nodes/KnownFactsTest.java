package dev.arcfleet.inventory.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The heartbeat view's rules, without a database: what it may answer and which update wins. */
class KnownFactsTest {
    static final String H0 = "0".repeat(64);
    static final String H1 = "1".repeat(63) + "f";
    static final String H2 = "ab".repeat(32);

    @Test
    void answersOnlyWhatItWasToldAndParsesOnlyFullHashes() {
        KnownFacts view = new KnownFacts(10);
        assertThat(view.unchanged("n", H0)).isFalse();
        view.observed("n", H0, view.generation());
        assertThat(view.unchanged("n", H0)).isTrue();
        assertThat(view.unchanged("n", H1)).isFalse();
        view.observed("odd", "not-a-hash", view.generation());
        assertThat(view.size()).isEqualTo(1);
        assertThat(KnownFacts.parse(H2)).containsExactly(0xababababababababL, 0xababababababababL);
    }

    @Test
    void aValueIsKnownOnlyOnAnEntryWithTheFactsItNormalizedToAndUntilTheNextWrite() {
        KnownFacts view = new KnownFacts(10);
        long[] value = KnownFacts.payloadHash("{\"deviceId\":\"n\"}");
        long[] other = KnownFacts.payloadHash("{\"deviceId\":\"n\" }");
        assertThat(value).isNotEqualTo(other);
        view.payloadSeen("n", H0, value);
        assertThat(view.samePayload("n", value))
                .as("no entry: nothing remembered")
                .isFalse();

        view.stored("n", H1, view.generation());
        view.payloadSeen("n", H0, value);
        assertThat(view.samePayload("n", value))
                .as("a value that normalized to other facts")
                .isFalse();
        view.payloadSeen("n", H1, value);
        assertThat(view.samePayload("n", value)).isTrue();
        assertThat(view.samePayload("n", other)).isFalse();
        assertThat(view.samePayload("m", value)).as("under another node's id").isFalse();
        assertThat(view.unchanged("n", H1)).isTrue();

        view.observed("n", H1, view.generation());
        assertThat(view.samePayload("n", value))
                .as("a fill keeps what it finds")
                .isTrue();
        view.stored("n", H1, view.generation());
        assertThat(view.samePayload("n", value)).as("a write forgets the value").isFalse();

        view.payloadSeen("n", H1, value);
        view.stored("n", null, view.generation());
        view.payloadSeen("n", null, value);
        assertThat(view.samePayload("n", value)).as("retired").isFalse();
        view.payloadSeen("n", H1, value);
        assertThat(view.samePayload("n", value)).as("retired").isFalse();
    }

    @Test
    void aLateCallbackOfAnEarlierWriteNeverBringsBackItsHash() {
        KnownFacts view = new KnownFacts(10);
        long first = view.generation();
        long second = view.generation();
        view.stored("n", H2, second);
        view.stored("n", H1, first);
        assertThat(view.unchanged("n", H2)).isTrue();
        assertThat(view.unchanged("n", H1)).isFalse();
    }

    @Test
    void aFillNeverReplacesAWriteNorOutlivesAClear() {
        KnownFacts view = new KnownFacts(10);
        long readAt = view.generation();
        view.stored("n", H1, view.generation());
        view.observed("n", H0, readAt);
        assertThat(view.unchanged("n", H1)).isTrue();
        // a write whose generation predates a fill's read, committed after it: the write wins
        long written = view.generation();
        view.observed("w", H0, view.generation());
        view.stored("w", H2, written);
        assertThat(view.unchanged("w", H2)).isTrue();

        long before = view.generation();
        long late = view.generation();
        view.clear();
        view.observed("m", H0, before);
        view.stored("k", H0, late);
        assertThat(view.unchanged("m", H0)).isFalse();
        assertThat(view.unchanged("k", H0))
                .as("a late callback of a write from before the clear")
                .isFalse();
        assertThat(view.size()).isZero();
        view.observed("m", H0, view.generation());
        assertThat(view.unchanged("m", H0)).isTrue();
    }

    @Test
    void aRetiredNodeTakesTheFullPathAndAStaleFillCannotUndoThat() {
        KnownFacts view = new KnownFacts(10);
        long readAt = view.generation();
        view.stored("n", H0, view.generation());
        view.stored("n", null, view.generation());
        view.observed("n", H0, readAt);
        assertThat(view.unchanged("n", H0)).isFalse();
    }

    @Test
    void staysWithinItsBoundAndKeepsTakingNewNodes() {
        KnownFacts view = new KnownFacts(200);
        for (int i = 0; i < 1000; i++) {
            view.stored("n" + i, H0, view.generation());
            assertThat(view.size()).isLessThanOrEqualTo(200);
            assertThat(view.unchanged("n" + i, H0)).isTrue();
        }
        // room is made with the oldest entries: the newest nodes are all still answered from memory
        for (int i = 1000 - 190; i < 1000; i++) {
            assertThat(view.unchanged("n" + i, H0)).as("n%d", i).isTrue();
        }
        assertThat(view.unchanged("n0", H0)).isFalse();
        // a write older than an entry removed to make room may be older than that node's state: not taken
        KnownFacts one = new KnownFacts(1);
        long inFlight = one.generation();
        one.stored("b", H0, one.generation());
        one.stored("late", H1, inFlight);
        assertThat(one.unchanged("late", H1)).isFalse();
        assertThat(one.size()).isZero();
        one.stored("late", H1, one.generation());
        assertThat(one.unchanged("late", H1)).isTrue();
    }
}
