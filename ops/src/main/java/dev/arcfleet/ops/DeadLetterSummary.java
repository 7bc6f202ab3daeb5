package dev.arcfleet.ops;

/**
 * One dead-letter topic at a glance: records it holds (end minus beginning offset, summed over partitions; 0 and
 * {@code exists=false} when the topic was never created) and how many of them were re-driven.
 */
public record DeadLetterSummary(String topic, String originalTopic, boolean exists, long records, long redriven) {}
