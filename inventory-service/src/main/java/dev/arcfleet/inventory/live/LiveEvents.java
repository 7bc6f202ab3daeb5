package dev.arcfleet.inventory.live;

import dev.arcfleet.support.tx.AfterCommit;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Pushes registry changes to connected dashboards (server-sent events). An event is sent only after the transaction
 * that made the change commits, so a page that reacts by reading the API sees the change; a rolled-back change is
 * never announced. A browser that falls more than {@value #BUFFER} events behind has its stream ended rather than
 * holding the consumers back; the page's EventSource reconnects and reloads what it shows.
 */
@ApplicationScoped
public class LiveEvents {
    private static final int BUFFER = 1024;

    private final BroadcastProcessor<LiveEvent> processor = BroadcastProcessor.create();
    /** Open streams; with none, registrations and status events skip the after-commit bookkeeping entirely. */
    private final AtomicInteger listeners = new AtomicInteger();
    /** Streams handed out and not yet ended: what the cap counts. */
    private final AtomicInteger open = new AtomicInteger();

    private final AfterCommit afterCommit;
    private final int maxSubscribers;

    public LiveEvents(
            AfterCommit afterCommit,
            @ConfigProperty(name = "fleet.live.max-subscribers", defaultValue = "200") int maxSubscribers) {
        this.afterCommit = afterCommit;
        this.maxSubscribers = maxSubscribers;
    }

    /**
     * A stream for one more subscriber, or empty when {@code fleet.live.max-subscribers} are open already: every open
     * stream holds a connection and a buffer of up to {@value #BUFFER} events, so their number is bounded.
     */
    public Optional<Multi<LiveEvent>> stream() {
        if (open.incrementAndGet() > maxSubscribers) {
            open.decrementAndGet();
            return Optional.empty();
        }
        AtomicBoolean ended = new AtomicBoolean();
        Runnable end = () -> {
            if (ended.compareAndSet(false, true)) {
                open.decrementAndGet();
            }
        };
        return Optional.of(processor
                .onOverflow()
                .buffer(BUFFER)
                .onSubscription()
                .invoke(listeners::incrementAndGet)
                .onTermination()
                .invoke(() -> {
                    listeners.decrementAndGet();
                    end.run();
                }));
    }

    /** Streams open now. */
    public int openStreams() {
        return open.get();
    }

    /** Sends the event when the current transaction commits (at once when there is none). */
    public void afterCommit(LiveEvent event) {
        if (listeners.get() == 0) {
            return;
        }
        afterCommit.run(() -> processor.onNext(event));
    }
}
