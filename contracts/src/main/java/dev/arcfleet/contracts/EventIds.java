package dev.arcfleet.contracts;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.UUID;

/**
 * New event ids: UUIDs of version 7 (RFC 9562, section 5.7), whose first 48 bits are the Unix time in milliseconds and
 * whose other 74 bits (beside version and variant) are random, as {@link UUID#randomUUID()}'s are. Consumers store the
 * ids of the events they apply ({@code processed_event}, the inventory's {@code status_event}) under a B-tree index;
 * ids that grow with time are inserted at its right edge, where a random id of version 4 lands on any page of it.
 * Uniqueness rests on the random bits, as with version 4; ids of the same millisecond are not ordered among themselves.
 */
public final class EventIds {
    private static final SecureRandom RANDOM = new SecureRandom();

    private EventIds() {}

    /** A new id for an event written now. */
    public static String next() {
        return at(System.currentTimeMillis()).toString();
    }

    static UUID at(long unixMillis) {
        byte[] random = new byte[10];
        RANDOM.nextBytes(random);
        long high = (unixMillis & 0xFFFF_FFFF_FFFFL) << 16 // unix_ts_ms: 48 bits
                | 0x7000L // ver: 7
                | ((random[0] & 0x0FL) << 8 | (random[1] & 0xFFL)); // rand_a: 12 bits
        long low = 0x8000_0000_0000_0000L // var: 0b10
                | (ByteBuffer.wrap(random, 2, 8).getLong() & 0x3FFF_FFFF_FFFF_FFFFL); // rand_b: 62 bits
        return new UUID(high, low);
    }
}
