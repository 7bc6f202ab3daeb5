package dev.arcfleet.ops;

import java.util.List;

/**
 * A replayed group: each partition of the topic with the offset committed before ({@code from}, null when the group
 * had none there) and the one committed now ({@code to}).
 */
public record ReplayResult(String group, String topic, String replayedFrom, List<PartitionReplay> partitions) {

    public record PartitionReplay(int partition, Long from, long to) {}
}
