package dev.arcfleet.inventory.nodes;

import jakarta.enterprise.context.ApplicationScoped;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A bounded in-memory view of node id to the facts hash stored for the node (the first 128 bits of its SHA-256), so
 * that an unchanged registration (a heartbeat) is answered without reading the database. Filled at start from the
 * registry ({@link KnownFactsFill}), by a registration that read the node and found it unchanged (both
 * {@link #observed}), and after commit by every write of a node's facts or retirement ({@link #stored}). An absent
 * entry only means "read the database".
 *
 * <p>Every entry carries a generation. Writes of one node serialize on its row: a writer takes its {@link #generation()}
 * while it holds the row, so a later write of the node has a later generation and a late callback of an earlier one
 * never replaces it. A fill takes its generation before its read and only adds an absent entry, which any write then
 * replaces (the fill's read may predate the write's commit). An entry removed (by
 * {@link #clear} or to stay within {@code inventory.known-facts.max-nodes}) may have been newer than what a late
 * callback or a fill brings: an absent entry is added by a write only above every removed entry's generation, by a fill
 * only when nothing was removed since its read began.
 * A retired node's entry says "not active": its next registration takes the full path.
 *
 * <p>An active entry may also hold the hash of a record value known to normalize to exactly its facts
 * ({@link #payloadSeen}): a Kafka registration keyed by its node id whose value is, byte for byte, that value is then a
 * heartbeat without being parsed ({@link #samePayload}). It is only ever added to an entry whose facts hash is the
 * one that value normalized to, and any write of the node replaces the entry without it, so it never outlives the
 * facts it stands for.
 */
@ApplicationScoped
public class KnownFacts {
    /** The stored hash of a node, or {@code active == false} for a node whose registrations take the full path. */
    private record Entry(
            long high,
            long low,
            boolean active,
            long generation,
            boolean filled,
            boolean withPayload,
            long payloadHigh,
            long payloadLow) {
        Entry(long high, long low, boolean active, long generation, boolean filled) {
            this(high, low, active, generation, filled, false, 0, 0);
        }

        Entry withPayload(long[] payload) {
            return new Entry(high, low, active, generation, filled, true, payload[0], payload[1]);
        }
    }

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicLong generations = new AtomicLong();
    /** The highest generation of any entry removed so far: a write at or below it may be older than one removed. */
    private final AtomicLong removedUpTo = new AtomicLong();
    /** The generation issued when an entry was last removed: a fill from a read that began before may be stale. */
    private final AtomicLong lastRemoval = new AtomicLong();

    /** Entries whose ages estimate which ones are the oldest twentieth. */
    private static final int SAMPLE = 4096;

    private final int maxNodes;

    public KnownFacts(@ConfigProperty(name = "inventory.known-facts.max-nodes", defaultValue = "250000") int maxNodes) {
        this.maxNodes = maxNodes;
    }

    /** True when the node is known active with exactly this facts hash. */
    public boolean unchanged(String nodeId, String factsHash) {
        Entry entry = entries.get(nodeId);
        if (entry == null || !entry.active()) {
            return false;
        }
        long[] hash = parse(factsHash);
        return hash != null && hash[0] == entry.high() && hash[1] == entry.low();
    }

    /**
     * True when the node is known active and a record value with this hash ({@link #payloadHash}) was seen to
     * normalize to the facts stored for it.
     */
    public boolean samePayload(String nodeId, long[] payloadHash) {
        if (nodeId == null || payloadHash == null) {
            return false;
        }
        Entry entry = entries.get(nodeId);
        return entry != null
                && entry.active()
                && entry.withPayload()
                && entry.payloadHigh() == payloadHash[0]
                && entry.payloadLow() == payloadHash[1];
    }

    /**
     * A record value with hash {@code payloadHash} normalized to facts with {@code factsHash}: remembered on the node's
     * entry when it is active with exactly that facts hash (else nothing changes: the node's facts are others now, or
     * not known here).
     */
    public void payloadSeen(String nodeId, String factsHash, long[] payloadHash) {
        long[] hash = parse(factsHash);
        if (hash == null || payloadHash == null || payloadHash.length != 2) {
            return;
        }
        entries.computeIfPresent(
                nodeId,
                (id, entry) -> entry.active() && entry.high() == hash[0] && entry.low() == hash[1]
                        ? entry.withPayload(payloadHash)
                        : entry);
    }

    /** The first 128 bits of the SHA-256 of a record value's UTF-8 bytes. */
    public static long[] payloadHash(String value) {
        MessageDigest digest = SHA_256.get();
        digest.reset();
        byte[] sum = digest.digest(value.getBytes(StandardCharsets.UTF_8));
        ByteBuffer bytes = ByteBuffer.wrap(sum);
        return new long[] {bytes.getLong(), bytes.getLong()};
    }

    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    });

    /** A generation: taken by a writer while it holds the node's row, by a fill before its read. */
    public long generation() {
        return generations.incrementAndGet();
    }

    /** A read that began at {@code generation} found the node active with this hash: remembered when absent. */
    public void observed(String nodeId, String factsHash, long generation) {
        long[] hash = parse(factsHash);
        if (hash != null) {
            put(nodeId, new Entry(hash[0], hash[1], true, generation, true));
        }
    }

    /** After commit: the node's facts hash is now {@code factsHash} ({@code null}: retired). */
    public void stored(String nodeId, String factsHash, long generation) {
        long[] hash = factsHash == null ? null : parse(factsHash);
        put(
                nodeId,
                hash == null
                        ? new Entry(0, 0, false, generation, false)
                        : new Entry(hash[0], hash[1], true, generation, false));
    }

    private void put(String nodeId, Entry entry) {
        if (!entries.containsKey(nodeId) && entries.size() >= maxNodes) {
            makeRoom();
        }
        entries.compute(nodeId, (id, old) -> {
            if (old == null) {
                long after = entry.filled() ? lastRemoval.get() : removedUpTo.get();
                return entry.generation() > after ? entry : null;
            }
            if (entry.filled()) {
                return old;
            }
            // a write replaces a fill (whose read may predate the write's commit) and any earlier write
            return old.filled() || old.generation() < entry.generation() ? entry : old;
        });
    }

    /**
     * Removes about a twentieth of the entries, the oldest first (lowest generation: the longest since the node's facts
     * were written or read), so that a full view keeps taking new ones and keeps the nodes registered most recently: in
     * a fleet larger than the view, a node that registers anew stays answered from memory while nodes not written since
     * make room. The age to remove below is estimated from a sample of the entries (the map iterates in hash order,
     * which has nothing to do with age), then one pass removes them: a few milliseconds at 250,000 entries, once per
     * twentieth of them.
     */
    private synchronized void makeRoom() {
        int size = entries.size();
        int toRemove = Math.max(1, maxNodes / 20);
        lastRemoval.accumulateAndGet(generations.incrementAndGet(), Math::max);
        long[] sample = new long[Math.min(SAMPLE, size)];
        int n = 0;
        for (Entry entry : entries.values()) {
            if (n == sample.length) {
                break;
            }
            sample[n++] = entry.generation();
        }
        if (n == 0) {
            return;
        }
        Arrays.sort(sample, 0, n);
        long upTo = sample[(int) Math.max(0, Math.min(n - 1, Math.ceil((double) toRemove * n / size) - 1))];
        // raised before the entries go, so no late write can slip into the gap
        removedUpTo.accumulateAndGet(upTo, Math::max);
        int removed = 0;
        Iterator<Map.Entry<String, Entry>> candidates = entries.entrySet().iterator();
        while (removed < toRemove && candidates.hasNext()) {
            Map.Entry<String, Entry> candidate = candidates.next();
            if (candidate.getValue().generation() <= upTo && entries.remove(candidate.getKey(), candidate.getValue())) {
                removed++;
            }
        }
    }

    /** Forgets every entry, as a restart does (the tests' way to send a known node down the full path). */
    public void clear() {
        long now = generations.incrementAndGet();
        lastRemoval.accumulateAndGet(now, Math::max);
        removedUpTo.accumulateAndGet(now, Math::max);
        entries.clear();
    }

    public int size() {
        return entries.size();
    }

    /** The first 128 bits of a 64-digit hex hash, or null for anything else (then nothing is remembered). */
    static long[] parse(String factsHash) {
        if (factsHash == null || factsHash.length() != 64) {
            return null;
        }
        try {
            return new long[] {
                Long.parseUnsignedLong(factsHash, 0, 16, 16), Long.parseUnsignedLong(factsHash, 16, 32, 16)
            };
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
