package dev.arcfleet.support.tx;

import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Runs callbacks once the current JTA transaction has committed, in the order they were registered; at once when the
 * caller has no transaction; never when it rolls back. A callback that fails is logged and does not keep the others
 * from running. Callbacks run on the committing thread, after the commit: they must be quick and must not need the
 * transaction.
 */
@ApplicationScoped
public class AfterCommit {
    private final TransactionSynchronizationRegistry transactions;

    public AfterCommit(TransactionSynchronizationRegistry transactions) {
        this.transactions = transactions;
    }

    /** Runs {@code callback} after the current transaction commits (now when there is none). */
    public void run(Runnable callback) {
        register(null, callback);
    }

    /**
     * As {@link #run}, but at most once per transaction for a given {@code key} (a wake-up signal that a transaction
     * writing many rows needs to send once); the first callback registered under the key is the one that runs.
     */
    public void runOnce(Object key, Runnable callback) {
        register(key, callback);
    }

    private void register(Object key, Runnable callback) {
        switch (transactions.getTransactionStatus()) {
            case Status.STATUS_NO_TRANSACTION -> {
                callback.run();
                return;
            }
            case Status.STATUS_MARKED_ROLLBACK, Status.STATUS_ROLLING_BACK, Status.STATUS_ROLLEDBACK -> {
                return;
            }
            default -> {
                // active (or preparing): registered below
            }
        }
        Callbacks callbacks = (Callbacks) transactions.getResource(AfterCommit.class);
        if (callbacks == null) {
            callbacks = new Callbacks();
            transactions.putResource(AfterCommit.class, callbacks);
            transactions.registerInterposedSynchronization(callbacks);
        }
        callbacks.add(key, callback);
    }

    /** One per transaction: the callbacks registered in it. Touched only by the transaction's thread. */
    private static final class Callbacks implements Synchronization {
        private final List<Runnable> callbacks = new ArrayList<>();
        private final Set<Object> keys = new HashSet<>();

        void add(Object key, Runnable callback) {
            if (key == null || keys.add(key)) {
                callbacks.add(callback);
            }
        }

        @Override
        public void beforeCompletion() {
            // nothing to prepare: callbacks run after the outcome is known
        }

        @Override
        public void afterCompletion(int status) {
            if (status != Status.STATUS_COMMITTED) {
                return;
            }
            for (Runnable callback : callbacks) {
                try {
                    callback.run();
                } catch (RuntimeException e) {
                    Log.errorf(e, "an after-commit callback failed");
                }
            }
        }
    }
}
