package dev.arcfleet.support.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.arcfleet.support.retry.RetryPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ManagedWorkerTest {
    private final List<ManagedWorker> workers = new ArrayList<>();

    @AfterEach
    void stopAll() {
        workers.forEach(ManagedWorker::stop);
    }

    private ManagedWorker track(ManagedWorker worker) {
        workers.add(worker);
        return worker;
    }

    private static List<Thread> threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith(prefix))
                .toList();
    }

    @Test
    void runsOnNamedDaemonThreadsAndStopsThemAll() {
        Set<String> names = ConcurrentHashMap.newKeySet();
        ManagedWorker worker = track(ManagedWorker.named("test-pool")
                .threads(3)
                .idleWait(Duration.ofMinutes(5))
                .build(() -> {
                    names.add(Thread.currentThread().getName());
                    assertThat(Thread.currentThread().isDaemon()).isTrue();
                    return false;
                }));
        worker.start();
        await().until(() -> names.size() == 3);
        assertThat(names).containsExactlyInAnyOrder("test-pool-0", "test-pool-1", "test-pool-2");

        // the threads are idle for five minutes; stop ends that wait at once
        long start = System.nanoTime();
        assertThat(worker.stop()).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(threadsNamed("test-pool-")).isEmpty();
        assertThat(worker.running()).isFalse();
        assertThat(worker.stop()).as("a second stop is harmless").isTrue();
    }

    @Test
    void aWakeUpEndsTheIdleWait() {
        AtomicInteger turns = new AtomicInteger();
        ManagedWorker worker = track(
                ManagedWorker.named("test-wake").idleWait(Duration.ofMinutes(5)).build(() -> {
                    turns.incrementAndGet();
                    return false;
                }));
        worker.start();
        await().until(() -> turns.get() == 1);
        for (int i = 2; i <= 5; i++) {
            worker.wakeUp();
            int expected = i;
            await().atMost(Duration.ofSeconds(10)).until(() -> turns.get() >= expected);
        }
        assertThat(turns.get()).as("one turn per wake-up").isEqualTo(5);
    }

    @Test
    void aWakeUpWhileTheBodyIsBusyIsNotLost() throws InterruptedException {
        CountDownLatch inFirstTurn = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger turns = new AtomicInteger();
        ManagedWorker worker = track(
                ManagedWorker.named("test-busy").idleWait(Duration.ofMinutes(5)).build(() -> {
                    if (turns.incrementAndGet() == 1) {
                        inFirstTurn.countDown();
                        release.await();
                    }
                    return false;
                }));
        worker.start();
        assertThat(inFirstTurn.await(30, TimeUnit.SECONDS)).isTrue();
        worker.wakeUp();
        release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> turns.get() == 2);
    }

    @Test
    void withOneIdlePollerOnlyOneIdleThreadLooksEachIdleWait() {
        AtomicInteger turns = new AtomicInteger();
        ManagedWorker worker = track(ManagedWorker.named("test-watch")
                .threads(8)
                .idleWait(Duration.ofMillis(100))
                .oneIdlePoller()
                .build(() -> {
                    turns.incrementAndGet();
                    return false;
                }));
        worker.start();
        // every thread looks once as it starts; then one looks per idle wait
        await().atMost(Duration.ofSeconds(10)).until(() -> turns.get() >= 8);
        int afterStart = turns.get();
        long since = System.nanoTime();
        // ten more looks: one watcher takes at least ten idle waits for them, eight pollers would take about 125 ms
        await().atMost(Duration.ofSeconds(30)).until(() -> turns.get() >= afterStart + 10);
        assertThat(Duration.ofNanos(System.nanoTime() - since)).isGreaterThanOrEqualTo(Duration.ofMillis(800));
        assertThat(threadsNamed("test-watch-")).hasSize(8);
    }

    @Test
    void withOneIdlePollerATurnThatFindsWorkSetsAnotherThreadLookingUntilTheWorkIsDone() {
        AtomicInteger left = new AtomicInteger();
        Set<String> ranWork = ConcurrentHashMap.newKeySet();
        CountDownLatch hold = new CountDownLatch(1);
        AtomicReference<ManagedWorker> self = new AtomicReference<>();
        ManagedWorker worker = track(ManagedWorker.named("test-fan")
                .threads(4)
                .idleWait(Duration.ofMinutes(5))
                .oneIdlePoller()
                .build(() -> {
                    if (left.getAndUpdate(n -> Math.max(0, n - 1)) <= 0) {
                        return false;
                    }
                    ranWork.add(Thread.currentThread().getName());
                    self.get().wakeOne();
                    // each piece of work holds its thread until all four threads have one
                    hold.await(10, TimeUnit.SECONDS);
                    return true;
                }));
        self.set(worker);
        worker.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> worker.waitingThreads() == 4);
        // four pieces of work, due now: the watcher alone looks; each turn that finds work wakes one parked thread,
        // until all four threads work at once
        left.set(4);
        worker.wakeUpIn(Duration.ZERO);
        await().atMost(Duration.ofSeconds(5)).until(() -> ranWork.size() == 4);
        hold.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> left.get() == 0 && worker.waitingThreads() == 4);
    }

    @Test
    void wakeUpInEndsTheWatchAtTheDueTimeNotAtTheIdleWait() {
        List<Long> turnsAt = Collections.synchronizedList(new ArrayList<>());
        ManagedWorker worker = track(ManagedWorker.named("test-due")
                .threads(3)
                .idleWait(Duration.ofMinutes(5))
                .oneIdlePoller()
                .build(() -> {
                    turnsAt.add(System.nanoTime());
                    return false;
                }));
        worker.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> turnsAt.size() == 3 && worker.waitingThreads() == 3);
        long asked = System.nanoTime();
        worker.wakeUpIn(Duration.ofMillis(300));
        worker.wakeUpIn(Duration.ofMillis(900));
        await().atMost(Duration.ofSeconds(10)).until(() -> turnsAt.size() == 5);
        assertThat(Duration.ofNanos(turnsAt.get(3) - asked)).isBetween(Duration.ofMillis(300), Duration.ofSeconds(3));
        assertThat(Duration.ofNanos(turnsAt.get(4) - asked)).isBetween(Duration.ofMillis(900), Duration.ofSeconds(4));
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> turnsAt.size() == 5);
    }

    @Test
    void aBodyWithWorkRunsAgainAtOnce() {
        AtomicInteger left = new AtomicInteger(100);
        ManagedWorker worker = track(ManagedWorker.named("test-busy-loop")
                .idleWait(Duration.ofMinutes(5))
                .build(() -> left.getAndUpdate(n -> Math.max(0, n - 1)) > 0));
        worker.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> left.get() == 0);
    }

    @Test
    void failuresAreRetriedWithTheBackoffAndASuccessResetsIt() {
        List<Long> failedAt = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger turns = new AtomicInteger();
        RetryPolicy backoff = RetryPolicy.exponential(Duration.ofMillis(50), Duration.ofMillis(400));
        ManagedWorker worker = track(ManagedWorker.named("test-fail")
                .idleWait(Duration.ofMinutes(5))
                .onFailure(backoff)
                .build(() -> {
                    if (turns.incrementAndGet() <= 4) {
                        failedAt.add(System.nanoTime());
                        throw new IllegalStateException("failure " + turns.get());
                    }
                    return turns.get() < 6;
                }));
        worker.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> turns.get() == 6);
        // waits of at least 50, 100 and 200 ms between the four failures
        for (int i = 1; i < 4; i++) {
            assertThat(Duration.ofNanos(failedAt.get(i) - failedAt.get(i - 1)))
                    .isGreaterThanOrEqualTo(backoff.delay(i));
        }
    }

    @Test
    void aFailureBackoffIsNotCutShortByAWakeUpButIsByStop() {
        AtomicInteger turns = new AtomicInteger();
        ManagedWorker worker = track(ManagedWorker.named("test-backoff")
                .onFailure(RetryPolicy.exponential(Duration.ofMinutes(5), Duration.ofMinutes(5)))
                .build(() -> {
                    turns.incrementAndGet();
                    throw new IllegalStateException("always");
                }));
        worker.start();
        await().until(() ->
                turns.get() == 1 && threadsNamed("test-backoff").get(0).getState() == Thread.State.TIMED_WAITING);
        worker.wakeUp();
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> turns.get() == 1);
        assertThat(worker.stop()).isTrue();
        assertThat(threadsNamed("test-backoff")).isEmpty();
    }

    @Test
    void stopWaitsForTheCurrentTurnOrInterruptsItWhenSoBuilt() throws InterruptedException {
        CountDownLatch inTurn = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        AtomicInteger finished = new AtomicInteger();
        ManagedWorker patient = track(ManagedWorker.named("test-patient")
                .stopTimeout(Duration.ofMillis(200))
                .build(() -> {
                    inTurn.countDown();
                    finish.await();
                    finished.incrementAndGet();
                    return false;
                }));
        patient.start();
        assertThat(inTurn.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(patient.stop())
                .as("the turn is still running after the stop timeout")
                .isFalse();
        finish.countDown();
        await().until(() -> threadsNamed("test-patient").isEmpty());
        assertThat(finished).hasValue(1);

        CountDownLatch blocked = new CountDownLatch(1);
        ManagedWorker interrupting = track(
                ManagedWorker.named("test-interrupting").interruptOnStop(true).build(() -> {
                    blocked.countDown();
                    new CountDownLatch(1).await();
                    return false;
                }));
        interrupting.start();
        assertThat(blocked.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(interrupting.stop()).isTrue();
        assertThat(threadsNamed("test-interrupting")).isEmpty();
    }

    @Test
    void anExecutorRunsTasksInOrderAcceptsThemBeforeStartAndRefusesThemAfterStop() {
        List<Integer> ran = Collections.synchronizedList(new ArrayList<>());
        ManagedWorker executor = track(ManagedWorker.named("test-executor").buildExecutor());
        executor.execute(() -> ran.add(0));
        executor.start();
        for (int i = 1; i <= 50; i++) {
            int n = i;
            executor.execute(() -> ran.add(n));
        }
        executor.execute(() -> {
            throw new IllegalStateException("a broken task");
        });
        executor.execute(() -> ran.add(51));
        await().atMost(Duration.ofSeconds(10)).until(() -> ran.size() == 52);
        assertThat(ran).isSorted().doesNotHaveDuplicates();
        executor.stop();
        assertThatThrownBy(() -> executor.execute(() -> ran.add(99))).isInstanceOf(RejectedExecutionException.class);
        assertThatThrownBy(executor::start).isInstanceOf(IllegalStateException.class);
    }
}
