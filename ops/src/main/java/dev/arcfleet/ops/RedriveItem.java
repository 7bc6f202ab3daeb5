package dev.arcfleet.ops;

/**
 * What became of one dead-lettered record: REDRIVEN (with where its copy went), ALREADY_REDRIVEN (sent by an earlier
 * re-drive; not sent again), NOT_FOUND (no record at that partition and offset), or REFUSED (its
 * {@code dead-letter-topic} names no topic a service consumes; {@code reason} says which).
 */
public record RedriveItem(
        int partition,
        long offset,
        Status status,
        String targetTopic,
        Integer targetPartition,
        Long targetOffset,
        String reason) {

    public enum Status {
        REDRIVEN,
        ALREADY_REDRIVEN,
        NOT_FOUND,
        REFUSED
    }

    static RedriveItem redriven(DeadLetter d, String topic, int partition, long offset) {
        return new RedriveItem(d.partition(), d.offset(), Status.REDRIVEN, topic, partition, offset, null);
    }

    static RedriveItem of(Coordinates c, Status status, String reason) {
        return new RedriveItem(c.partition(), c.offset(), status, null, null, null, reason);
    }

    Coordinates coordinates() {
        return new Coordinates(partition, offset);
    }
}
