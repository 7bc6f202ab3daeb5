package dev.arcfleet.support.worker;

import dev.arcfleet.support.retry.RetryPolicy;
import io.quarkus.logging.Log;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One or more named daemon threads that run a loop body until stopped. The body returns whether it found work: if
 * it did, it runs again at once; if not, the thread waits up to {@code idleWait} or until {@link #wakeUp()}. A body
 * that throws is logged and run again after the failure {@link RetryPolicy}'s delay (consecutive failures count up;
 * a success resets them). Tasks given to {@link #execute} run on the worker's threads before the body (in order on a
 * one-thread worker).
 *
 * <p>Built with {@link Builder#oneIdlePoller()}, a pool of threads keeps one idle thread on watch: it alone runs the
 * body every {@code idleWait}; the other idle threads wait until a wake-up, or {@link #wakeOne()} (which a body that
 * found work calls, so that one more thread looks, and so on while there is work), or until the watch passes to
 * them. Eight idle threads then cost one look per {@code idleWait}, not eight. {@link #wakeUpIn} ends the watch early
 * at a time a caller knows work is due.
 *
 * <p>The owning bean calls {@link #start()} from its {@code StartupEvent} observer and {@link #stop()} from its
 * {@code ShutdownEvent} observer. {@code stop} lets the current body finish (or interrupts it, if so built) and waits
 * at most {@code stopTimeout} for the threads. An interrupt ends a thread's loop.
 */
public final class ManagedWorker implements Executor {
    /** What the worker does each turn; true when it found work (run again at once), false when idle. */
    @FunctionalInterface
    public interface Body {
        boolean runOnce() throws Exception;
    }

    private final String name;
    private final int threadCount;
    private final Body body;
    private final Duration idleWait;
    private final RetryPolicy onFailure;
    private final Duration stopTimeout;
    private final boolean interruptOnStop;
    private final boolean oneIdlePoller;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition signal = lock.newCondition();
    /** Incremented by every wake-up; a thread waits only while it has not changed since its turn began. */
    private final AtomicLong wakeUps = new AtomicLong();

    private volatile int waiting;
    /** Idle threads waiting without a deadline (one idle poller only); changed under the lock. */
    private volatile int parked;
    /** Idle threads on watch (0 or 1 with one idle poller); under the lock. */
    private int watchers;
    /** {@link #wakeOne()} calls not yet taken by a parked thread; under the lock. */
    private int handoffs;
    /** {@link System#nanoTime()} instants at which work is due ({@link #wakeUpIn}); under the lock. */
    private final PriorityQueue<Long> dueAt = new PriorityQueue<>();

    private final AtomicLong failures = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;
    private volatile boolean stopped;

    private ManagedWorker(Builder builder, Body body) {
        this.name = builder.name;
        this.threadCount = builder.threads;
        this.body = body;
        this.idleWait = builder.idleWait;
        this.onFailure = builder.onFailure;
        this.stopTimeout = builder.stopTimeout;
        this.interruptOnStop = builder.interruptOnStop;
        this.oneIdlePoller = builder.oneIdlePoller;
    }

    public static Builder named(String name) {
        return new Builder(name);
    }

    /** Starts the threads; a second call, or one after {@link #stop()}, is refused. */
    public synchronized void start() {
        if (running || stopped) {
            throw new IllegalStateException("worker " + name + " was started already");
        }
        running = true;
        for (int i = 0; i < threadCount; i++) {
            Thread thread = new Thread(this::loop, threadCount == 1 ? name : name + "-" + i);
            thread.setDaemon(true);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
    }

    /**
     * Stops the loop: no new turn begins, idle threads return at once; waits at most {@code stopTimeout} in all for
     * the threads to end. Returns true when they all ended. Calling it again (or before start) is harmless.
     */
    public boolean stop() {
        List<Thread> started;
        synchronized (this) {
            stopped = true;
            running = false;
            started = List.copyOf(threads);
        }
        wakeUp();
        if (interruptOnStop) {
            started.forEach(Thread::interrupt);
        }
        long deadline = System.nanoTime() + stopTimeout.toNanos();
        boolean interrupted = false;
        for (Thread thread : started) {
            long left = deadline - System.nanoTime();
            try {
                if (left > 0) {
                    thread.join(TimeUnit.NANOSECONDS.toMillis(left) + 1);
                }
            } catch (InterruptedException e) {
                interrupted = true;
                break;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        List<Thread> alive = started.stream().filter(Thread::isAlive).toList();
        if (!alive.isEmpty()) {
            Log.warnf(
                    "worker %s: %d thread(s) still busy %s after being asked to stop", name, alive.size(), stopTimeout);
        }
        return alive.isEmpty();
    }

    /** Whether the worker was started and not yet stopped. */
    public boolean running() {
        return running;
    }

    /** Threads in an idle wait now (for tests). */
    int waitingThreads() {
        return waiting;
    }

    /** Turns that threw, since the start (for metrics and tests). */
    public long failureCount() {
        return failures.get();
    }

    /** Ends an idle wait now (new work is there); a thread that is busy runs its body again before it waits. */
    public void wakeUp() {
        wakeUps.incrementAndGet();
        if (waiting > 0) {
            lock.lock();
            try {
                signal.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * Ends an idle wait once {@code delay} has passed (work becomes due then), even before {@code idleWait} would. At
     * most {@value #MAX_DUE} such instants are kept at once; past that the idle wait alone finds the work.
     */
    public void wakeUpIn(Duration delay) {
        long at = System.nanoTime() + Math.max(0, delay.toNanos());
        lock.lock();
        try {
            if (dueAt.size() < MAX_DUE) {
                dueAt.add(at);
            }
            signal.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** How many {@link #wakeUpIn} instants a worker keeps. */
    static final int MAX_DUE = 4096;

    /** Queues a task for the worker's threads (accepted before start; refused after stop). */
    @Override
    public void execute(Runnable task) {
        Objects.requireNonNull(task);
        if (stopped) {
            throw new RejectedExecutionException("worker " + name + " is stopped");
        }
        tasks.add(task);
        wakeUp();
    }

    private void loop() {
        int failures = 0;
        while (running && !Thread.currentThread().isInterrupted()) {
            long seen = wakeUps.get();
            try {
                boolean busy = runTasks() | body.runOnce();
                failures = 0;
                if (busy) {
                    continue;
                }
                if (oneIdlePoller) {
                    idle(seen);
                } else {
                    await(seen, idleWait);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                failures++;
                this.failures.incrementAndGet();
                Duration delay = onFailure.delay(failures);
                if (running) {
                    Log.warnf(
                            e,
                            "worker %s failed (%d in a row); running again in %d ms",
                            name,
                            failures,
                            delay.toMillis());
                    await(Long.MIN_VALUE, delay);
                }
            }
        }
        if (running) {
            Log.warnf(
                    "worker %s: thread %s interrupted, it ends",
                    name, Thread.currentThread().getName());
        }
    }

    private boolean runTasks() {
        boolean ran = false;
        for (Runnable task = tasks.poll(); task != null && running; task = tasks.poll()) {
            ran = true;
            try {
                task.run();
            } catch (RuntimeException e) {
                Log.errorf(e, "worker %s: a task failed", name);
            }
        }
        return ran;
    }

    /**
     * Sets one more idle thread running the body now: a body that found work calls it so that, with one idle poller,
     * another thread looks for more while this one works. A parked thread takes it, or else the watcher.
     */
    public void wakeOne() {
        lock.lock();
        try {
            if (handoffs < parked) {
                handoffs++;
            } else if (dueAt.size() < MAX_DUE) {
                dueAt.add(System.nanoTime());
            }
            signal.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The idle wait of one idle poller: the thread that finds no one on watch takes the watch and waits up to {@code
     * idleWait} (or the next {@link #wakeUpIn} instant); the others wait for a wake-up, a hand-off, or the watch. A
     * watcher that leaves passes the watch on. Keeps the interrupt flag.
     */
    private void idle(long seen) {
        boolean watching = false;
        lock.lock();
        try {
            waiting++;
            long deadline = 0;
            while (running && wakeUps.get() == seen) {
                if (!watching && watchers == 0) {
                    watching = true;
                    watchers++;
                    deadline = System.nanoTime() + idleWait.toNanos();
                }
                if (watching) {
                    long now = System.nanoTime();
                    long left = Math.min(deadline - now, untilDue(now));
                    if (left <= 0) {
                        return;
                    }
                    signal.awaitNanos(left);
                } else if (handoffs > 0) {
                    handoffs--;
                    return;
                } else {
                    parked++;
                    try {
                        signal.await();
                    } finally {
                        parked--;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            waiting--;
            if (watching) {
                watchers--;
                if (parked > 0) {
                    signal.signalAll();
                }
            }
            lock.unlock();
        }
    }

    /**
     * Nanoseconds until the earliest {@link #wakeUpIn} instant still ahead ({@link Long#MAX_VALUE} when none); drops
     * the instants already reached, answering 0 if there were any. Under the lock.
     */
    private long untilDue(long now) {
        boolean reached = false;
        while (!dueAt.isEmpty() && dueAt.peek() - now <= 0) {
            dueAt.poll();
            reached = true;
        }
        if (reached) {
            return 0;
        }
        return dueAt.isEmpty() ? Long.MAX_VALUE : dueAt.peek() - now;
    }

    /**
     * Waits up to {@code duration} for stop or, unless {@code seen} is {@link Long#MIN_VALUE} (a failure backoff, which
     * wake-ups do not cut short), a wake-up after {@code seen}. Keeps the interrupt flag.
     */
    private void await(long seen, Duration duration) {
        long deadline = System.nanoTime() + duration.toNanos();
        lock.lock();
        try {
            waiting++;
            try {
                while (running && (seen == Long.MIN_VALUE || wakeUps.get() == seen)) {
                    long now = System.nanoTime();
                    long left = deadline - now;
                    if (seen != Long.MIN_VALUE) {
                        left = Math.min(left, untilDue(now));
                    }
                    if (left <= 0) {
                        return;
                    }
                    signal.awaitNanos(left);
                }
            } finally {
                waiting--;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    public static final class Builder {
        private final String name;
        private int threads = 1;
        private Duration idleWait = Duration.ofSeconds(1);
        private RetryPolicy onFailure = RetryPolicy.exponential(Duration.ofMillis(100), Duration.ofSeconds(10));
        private Duration stopTimeout = Duration.ofSeconds(10);
        private boolean interruptOnStop;
        private boolean oneIdlePoller;

        private Builder(String name) {
            this.name = Objects.requireNonNull(name);
        }

        /** How many threads run the body (each named {@code name-i}); 1 by default, named {@code name}. */
        public Builder threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("a worker needs at least one thread, got " + threads);
            }
            this.threads = threads;
            return this;
        }

        /** Longest wait after an idle turn when no wake-up comes (1 s by default). */
        public Builder idleWait(Duration idleWait) {
            this.idleWait = Objects.requireNonNull(idleWait);
            return this;
        }

        /** The wait after consecutive failures (100 ms doubling to 10 s by default); its attempt limit is ignored. */
        public Builder onFailure(RetryPolicy onFailure) {
            this.onFailure = Objects.requireNonNull(onFailure);
            return this;
        }

        /** Longest wait in {@link #stop()} for the threads to end (10 s by default). */
        public Builder stopTimeout(Duration stopTimeout) {
            this.stopTimeout = Objects.requireNonNull(stopTimeout);
            return this;
        }

        /** Whether {@link #stop()} interrupts a body that blocks (off by default: the body finishes its turn). */
        public Builder interruptOnStop(boolean interruptOnStop) {
            this.interruptOnStop = interruptOnStop;
            return this;
        }

        /**
         * Only one idle thread at a time runs the body every {@code idleWait}; the others wait for a wake-up, for
         * {@link ManagedWorker#wakeOne()}, or for the watch (off by default: every idle thread looks every {@code
         * idleWait}).
         */
        public Builder oneIdlePoller() {
            this.oneIdlePoller = true;
            return this;
        }

        public ManagedWorker build(Body body) {
            return new ManagedWorker(this, Objects.requireNonNull(body));
        }

        /** A worker with no body of its own: it runs what {@link ManagedWorker#execute} is given, in order. */
        public ManagedWorker buildExecutor() {
            return new ManagedWorker(this, () -> false);
        }
    }
}
