package dev.arcfleet.executor.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arcfleet.contracts.OnboardingPlan;
import dev.arcfleet.executor.engine.StepOutcome;
import dev.arcfleet.executor.route.StepSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs one step per plan through live appliers as the executor's workers do, without the database: each worker thread
 * takes the job that is due, applies it, and puts a waiting or retried outcome back with its operation and its delay,
 * until every plan's step has succeeded or failed.
 */
final class StepReplay {
    private StepReplay() {}

    /** One plan's step, due at {@code due} (System.nanoTime()), with the operation its last attempt left. */
    record Job(OnboardingPlan plan, StepSpec step, String operation, int attempt, long due) implements Delayed {
        /** The first attempt of {@code step}, due now. */
        static Job first(OnboardingPlan plan, StepSpec step) {
            return new Job(plan, step, null, 1, System.nanoTime());
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(due - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(due, ((Job) other).due);
        }
    }

    /**
     * Runs the jobs on one thread per entry of {@code workers} (the applier each thread uses) until each has finished,
     * and asserts none is left open after {@code within}; returns each plan's outcomes in order.
     */
    static Map<String, List<StepOutcome>> run(List<Job> jobs, List<StepApplier> workers, Duration within)
            throws InterruptedException {
        DelayQueue<Job> queue = new DelayQueue<>(jobs);
        Map<String, List<StepOutcome>> outcomes = new ConcurrentHashMap<>();
        AtomicInteger open = new AtomicInteger(jobs.size());
        long deadline = System.nanoTime() + within.toNanos();
        List<Thread> threads = new ArrayList<>();
        for (StepApplier applier : workers) {
            Thread thread = new Thread(
                    () -> {
                        while (open.get() > 0 && System.nanoTime() < deadline) {
                            Job job;
                            try {
                                job = queue.poll(100, TimeUnit.MILLISECONDS);
                            } catch (InterruptedException e) {
                                return;
                            }
                            if (job == null) {
                                continue;
                            }
                            StepOutcome outcome = applier.apply(new StepContext(
                                    job.plan(), job.step(), job.attempt(), Instant.now(), job.operation()));
                            outcomes.computeIfAbsent(job.plan().planId(), k -> new ArrayList<>())
                                    .add(outcome);
                            switch (outcome.kind()) {
                                case SUCCEEDED, FAILED -> open.decrementAndGet();
                                default ->
                                    queue.add(new Job(
                                            job.plan(),
                                            job.step(),
                                            outcome.operation(),
                                            job.attempt() + 1,
                                            System.nanoTime()
                                                    + outcome.retryAfter().toNanos()));
                            }
                        }
                    },
                    "step-replay-worker");
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(open.get()).as("executions still open after %s", within).isZero();
        return outcomes;
    }
}
