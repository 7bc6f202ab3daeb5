package dev.arcfleet.ops;

/** A record's place in a topic: its partition and offset. */
public record Coordinates(int partition, long offset) implements Comparable<Coordinates> {
    @Override
    public int compareTo(Coordinates o) {
        int byPartition = Integer.compare(partition, o.partition);
        return byPartition != 0 ? byPartition : Long.compare(offset, o.offset);
    }
}
