package dev.arcfleet.executor.azure;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * An {@link ArmClient} that spends the shared {@link ArmBudget}: every read takes a READ token first (a list one for
 * all its pages; reads never drain the write budget), and a 429 holds the budget of the call's kind for every replica
 * until its Retry-After (10 s when ARM sent none). Writes and deletes are reserved by the caller
 * ({@link ArmBudget.Account#reserve}), which remembers its reservation across the wait. A read the budget cannot serve
 * now throws {@link Wait}: refused outright, or, for a client of one step's attempt ({@link #forAttempt}), queued, with
 * the answers to the attempt's earlier reads kept for the next attempt.
 */
public class BudgetedArmClient implements ArmClient {
    /** What a 429 without Retry-After holds the budget for. */
    public static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(10);

    /** Reads reserved in this process for steps told to wait: the step's name to its reserved tokens. */
    private static final Map<String, Reserved> RESERVED_READS = new ConcurrentHashMap<>();
    /** Steps with reserved reads kept at most; beyond, those due longer than {@link #STALE} ago are forgotten. */
    static final int MAX_RESERVED = 50_000;

    static final Duration STALE = Duration.ofMinutes(10);

    /**
     * What a step's next attempt is owed: tokens reserved for it, the last of them its at {@code dueNanos}, reserved at
     * {@code madeNanos} ({@link System#nanoTime}), and the answers to the reads the attempt told to wait had made
     * before, in order (see {@link #forAttempt}).
     */
    private record Reserved(int tokens, long dueNanos, long madeNanos, List<Answer> answers) {}

    /** One read's answer: what was read ({@code key}), what ARM said, and when ({@link System#nanoTime}). */
    private record Answer(String key, Object value, long readNanos) {}

    /** How long after it was read an answer may serve a later attempt of its step. */
    static final Duration ANSWERS_KEPT = Duration.ofSeconds(30);

    /** The last 429 this process saw per budget and kind: ARM gave no token from {@code startNanos} to {@code endNanos}. */
    private record Hold(long startNanos, long endNanos) {}

    private static final Map<String, Hold> HOLDS = new ConcurrentHashMap<>();

    /** A resource a GET found provisioned (Succeeded, or no provisioningState), and when ({@link System#nanoTime}). */
    private record Seen(ArmResource resource, long readNanos) {}

    /** Resources seen provisioned, per GET, at most this many per account (the least recently used are forgotten). */
    static final int MAX_SEEN = 1024;

    private final ArmClient arm;
    private final ArmBudget.Account budget;
    /** The step whose attempt this client reads for; {@code null}: a read the budget cannot serve is refused. */
    private final String step;
    /** The reads this attempt asked for so far. */
    private final AtomicInteger reads = new AtomicInteger();
    /** This attempt's answers so far, in order: kept for the next attempt when this one is told to wait. */
    private final List<Answer> answers = new java.util.concurrent.CopyOnWriteArrayList<>();
    /**
     * The account's last GET of each resource that found it provisioned, shared by the attempts' clients; a later GET
     * that finds it absent or provisioning forgets it. Resources every plan of a target shares (its resource group, its
     * region's Log Analytics workspace) are read by each cluster's steps; served from here
     * ({@link #recentlyProvisioned}), a thousand clusters read each once in a while instead of a thousand times.
     */
    private final Map<String, Seen> seen;

    public BudgetedArmClient(ArmClient arm, ArmBudget.Account budget) {
        this(arm, budget, null, java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Seen> eldest) {
                return size() > MAX_SEEN;
            }
        }));
    }

    private BudgetedArmClient(ArmClient arm, ArmBudget.Account budget, String step, Map<String, Seen> seen) {
        this.arm = arm;
        this.budget = budget;
        this.step = step;
        this.seen = seen;
    }

    /**
     * This client for one attempt of a step that is tried again after a {@link Wait} ({@code step} names it across its
     * attempts, which make the same reads in the same order). A read the budget cannot serve now reserves a token in
     * the budget's queue and keeps the answers to the attempt's earlier reads; the next attempt, back when the token is
     * due, takes those answers instead of reading again (the same read, made at most {@link #ANSWERS_KEPT} before) and
     * spends the token without asking. Refused outright instead, a step of two reads could spend a token on its first
     * and be refused its second, attempt after attempt, each of a thousand steps coming back every refill interval:
     * the read budget spent and nothing done.
     */
    public BudgetedArmClient forAttempt(String step) {
        return new BudgetedArmClient(arm, budget, step, seen);
    }

    /** A read refused by the budget: try again after {@link #after()}. Nothing was sent to ARM. */
    public static final class Wait extends RuntimeException {
        private final Duration after;

        Wait(Duration after) {
            super("the ARM read budget is spent: next read in " + after.toMillis() + " ms", null, false, false);
            this.after = after;
        }

        public Duration after() {
            return after;
        }
    }

    public ArmBudget.Account budget() {
        return budget;
    }

    @Override
    public Optional<ArmResource> get(String resourceId, String apiVersion) {
        String key = "GET " + resourceId + "?api-version=" + apiVersion;
        Optional<ArmResource> resource = read(key, () -> arm.get(resourceId, apiVersion));
        if (resource.isPresent() && resource.get().provisioned()) {
            // when ARM answered: now, or as long ago as the answer an earlier attempt left to this one
            long readNanos = step == null || answers.isEmpty()
                    ? System.nanoTime()
                    : answers.get(answers.size() - 1).readNanos();
            seen.put(key, new Seen(resource.get(), readNanos));
        } else {
            seen.remove(key);
        }
        return resource;
    }

    /**
     * The resource as a GET in this process last found it provisioned, when that was at most {@code maxAge} ago; else
     * empty. Sends nothing and takes no token. For reads whose answer may be that old, such as whether a resource
     * every plan shares is already there as asked; never for polls, which must see ARM now.
     */
    public Optional<ArmResource> recentlyProvisioned(String resourceId, String apiVersion, Duration maxAge) {
        Seen last = seen.get("GET " + resourceId + "?api-version=" + apiVersion);
        if (last == null || System.nanoTime() - last.readNanos() > maxAge.toNanos()) {
            return Optional.empty();
        }
        return Optional.of(last.resource());
    }

    @Override
    public ArmAccepted put(String resourceId, String apiVersion, Map<String, Object> body) {
        return call(ArmBudget.Kind.WRITE, () -> arm.put(resourceId, apiVersion, body));
    }

    @Override
    public ArmAccepted delete(String resourceId, String apiVersion) {
        return call(ArmBudget.Kind.DELETE, () -> arm.delete(resourceId, apiVersion));
    }

    @Override
    public List<ArmResource> list(String collectionId, String apiVersion) {
        return read("LIST " + collectionId + "?api-version=" + apiVersion, () -> arm.list(collectionId, apiVersion));
    }

    @Override
    public ArmOperation operation(String url) {
        return read("POLL " + url, () -> arm.operation(url));
    }

    private <T> T read(String key, Supplier<T> call) {
        if (step == null) {
            Duration wait = budget.tryTake(ArmBudget.Kind.READ);
            if (!wait.isZero()) {
                throw new Wait(wait);
            }
            return call(ArmBudget.Kind.READ, call);
        }
        int nth = reads.incrementAndGet();
        Reserved reserved = RESERVED_READS.get(step);
        if (reserved != null && nth <= reserved.answers().size()) {
            Answer answer = reserved.answers().get(nth - 1);
            if (answer.key().equals(key) && System.nanoTime() - answer.readNanos() < ANSWERS_KEPT.toNanos()) {
                // made by the attempt before, which was then told to wait: its answer, not a second read
                answers.add(answer);
                @SuppressWarnings("unchecked")
                T value = (T) answer.value();
                return value;
            }
        }
        Duration wait = queued();
        if (!wait.isZero()) {
            throw new Wait(wait);
        }
        T value = call(ArmBudget.Kind.READ, call);
        answers.add(new Answer(key, value, System.nanoTime()));
        return value;
    }

    /** This attempt's next read: a token reserved for it, one free now, or the wait for one it queues now. */
    private Duration queued() {
        long now = System.nanoTime();
        Reserved reserved = RESERVED_READS.get(step);
        if (reserved != null) {
            long due = due(reserved);
            if (due - now > 0) {
                return Duration.ofNanos(due - now);
            }
            boolean spent = reserved.tokens() <= 1
                    ? RESERVED_READS.remove(step, reserved)
                    : RESERVED_READS.replace(
                            step,
                            reserved,
                            new Reserved(reserved.tokens() - 1, reserved.dueNanos(), reserved.madeNanos(), List.of()));
            if (spent) {
                return Duration.ZERO;
            }
        }
        Duration wait = budget.tryTake(ArmBudget.Kind.READ);
        if (wait.isZero()) {
            return wait;
        }
        // a queued token for this read; the next attempt has this one's answers to the reads before it
        wait = budget.reserve(ArmBudget.Kind.READ);
        if (RESERVED_READS.size() >= MAX_RESERVED) {
            long stale = now - STALE.toNanos();
            RESERVED_READS.values().removeIf(r -> r.dueNanos() - stale < 0);
        }
        RESERVED_READS.put(step, new Reserved(1, now + wait.toNanos(), now, List.copyOf(answers)));
        return wait.isZero() ? Duration.ofMillis(1) : wait;
    }

    /**
     * When a reservation is due: as reserved, unless ARM answered 429 after it was made. Then ARM refuses every read
     * until the hold ends, so one due earlier waits for that end; and the hold delayed every token still queued in the
     * database by its length ({@link ArmBudget.Account#hold}), so one due later is due that much later. Spent at its
     * old time, it would reach ARM while ARM still refuses, and hold the budget again.
     */
    private long due(Reserved reserved) {
        Hold hold = HOLDS.get(holdKey(ArmBudget.Kind.READ));
        if (hold == null || reserved.madeNanos() - hold.startNanos() >= 0) {
            return reserved.dueNanos();
        }
        if (reserved.dueNanos() - hold.startNanos() < 0) {
            return reserved.dueNanos() - hold.endNanos() > 0 ? reserved.dueNanos() : hold.endNanos();
        }
        return reserved.dueNanos() + (hold.endNanos() - hold.startNanos());
    }

    private String holdKey(ArmBudget.Kind kind) {
        return budget.subscriptionId() + "|" + budget.principal() + "|" + kind;
    }

    private <T> T call(ArmBudget.Kind kind, Supplier<T> call) {
        try {
            return call.get();
        } catch (ArmException e) {
            if (e.throttled()) {
                Duration after = e.retryAfter() != null ? e.retryAfter() : DEFAULT_RETRY_AFTER;
                budget.hold(kind, after);
                long now = System.nanoTime();
                // one hold per episode: a 429 while held extends it
                HOLDS.merge(
                        holdKey(kind),
                        new Hold(now, now + after.toNanos()),
                        (old, fresh) -> old.endNanos() - now >= 0
                                ? new Hold(old.startNanos(), Math.max(old.endNanos(), fresh.endNanos()))
                                : fresh);
            }
            throw e;
        }
    }
}
