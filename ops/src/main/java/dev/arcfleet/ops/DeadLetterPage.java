package dev.arcfleet.ops;

import java.util.List;

/**
 * A page of a dead-letter topic: up to {@code limit} records at or after offset {@code from} of its partitions (or of
 * the one asked for), partition after partition, by offset; {@code more} when there are further such records.
 * {@code partitions} gives each partition's offsets, to page through one of them with {@code partition=} and
 * {@code from=}.
 */
public record DeadLetterPage(
        String topic,
        long from,
        int limit,
        List<PartitionRange> partitions,
        List<DeadLetterView> records,
        boolean more) {

    /** Offsets of one partition: the first still kept and the next to be written. */
    public record PartitionRange(int partition, long beginningOffset, long endOffset) {}
}
