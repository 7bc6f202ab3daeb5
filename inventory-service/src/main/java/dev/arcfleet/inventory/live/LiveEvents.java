package dev.arcfleet.inventory.live;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

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
    private final TransactionSynchronizationRegistry transactions;

    public LiveEvents(TransactionSynchronizationRegistry transactions) {
        this.transactions = transactions;
    }

    public Multi<LiveEvent> stream() {
        return processor.onOverflow().buffer(BUFFER)
                .onSubscription().invoke(listeners::incrementAndGet)
                .onTermination().invoke(listeners::decrementAndGet);
    }

    /** Sends the event when the current transaction commits (at once when there is none). */
    public void afterCommit(LiveEvent event) {
        if (listeners.get() == 0) {
            return;
        }
        if (transactions.getTransactionKey() == null) {
            processor.onNext(event);
            return;
        }
        @SuppressWarnings("unchecked")
        List<LiveEvent> pending = (List<LiveEvent>) transactions.getResource(LiveEvents.class);
        if (pending == null) {
            List<LiveEvent> created = new ArrayList<>();
            transactions.putResource(LiveEvents.class, created);
            transactions.registerInterposedSynchronization(new Synchronization() {
                @Override
                public void beforeCompletion() {
                    // nothing to flush before the commit: events go out after it
                }

                @Override
                public void afterCompletion(int status) {
                    if (status == Status.STATUS_COMMITTED) {
                        created.forEach(processor::onNext);
                    }
                }
            });
            pending = created;
        }
        pending.add(event);
    }
}
