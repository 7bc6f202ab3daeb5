package dev.arcfleet.ops;

import java.util.List;

/** The answer to a re-drive: counts by outcome, and each record's outcome in the order asked (or read, for all). */
public record RedriveResult(
        String topic, long redriven, long alreadyRedriven, long notFound, long refused, List<RedriveItem> records) {

    static RedriveResult of(String topic, List<RedriveItem> items) {
        return new RedriveResult(
                topic,
                count(items, RedriveItem.Status.REDRIVEN),
                count(items, RedriveItem.Status.ALREADY_REDRIVEN),
                count(items, RedriveItem.Status.NOT_FOUND),
                count(items, RedriveItem.Status.REFUSED),
                List.copyOf(items));
    }

    private static long count(List<RedriveItem> items, RedriveItem.Status status) {
        return items.stream().filter(i -> i.status() == status).count();
    }
}
