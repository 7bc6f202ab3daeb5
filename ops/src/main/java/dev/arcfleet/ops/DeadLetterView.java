package dev.arcfleet.ops;

import java.time.Instant;

/**
 * One dead-lettered record as the API lists it: where it is, where it came from, why it was dead-lettered, its value
 * as text (the first {@value #MAX_VALUE} characters; {@code valueTruncated} says whether there was more), whether
 * it was re-driven already, and {@code redrivenFrom} when it is itself a re-driven record that failed again.
 */
public record DeadLetterView(
        int partition,
        long offset,
        String key,
        Instant timestamp,
        String originalTopic,
        Integer originalPartition,
        Long originalOffset,
        String reason,
        String cause,
        String eventId,
        String eventType,
        String value,
        boolean valueTruncated,
        boolean redriven,
        String redrivenFrom) {
    static final int MAX_VALUE = 4096;

    static DeadLetterView of(DeadLetter d, boolean redriven) {
        String value = d.value();
        boolean truncated = value != null && value.length() > MAX_VALUE;
        return new DeadLetterView(
                d.partition(),
                d.offset(),
                d.key(),
                d.timestamp(),
                d.originalTopic(),
                d.originalPartition(),
                d.originalOffset(),
                d.reason(),
                d.cause(),
                d.eventId(),
                d.eventType(),
                truncated ? value.substring(0, MAX_VALUE) : value,
                truncated,
                redriven,
                d.header(DeadLetter.REDRIVEN_FROM));
    }
}
