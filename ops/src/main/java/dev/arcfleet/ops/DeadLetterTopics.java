package dev.arcfleet.ops;

import dev.arcfleet.contracts.Topics;
import java.util.List;

/** The dead-letter topics there are: one per consumed topic of {@link Topics#MAIN}, named {@code <topic>.dlq}. */
public final class DeadLetterTopics {
    public static final List<String> KNOWN =
            Topics.MAIN.stream().map(Topics::deadLetter).toList();

    private DeadLetterTopics() {}

    public static boolean known(String topic) {
        return topic != null && KNOWN.contains(topic);
    }

    /** The topic whose records {@code dlqTopic} holds: its name without {@code .dlq}. */
    public static String originalOf(String dlqTopic) {
        return dlqTopic.substring(0, dlqTopic.length() - Topics.DLQ_SUFFIX.length());
    }
}
