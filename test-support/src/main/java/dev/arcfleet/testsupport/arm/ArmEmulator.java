package dev.arcfleet.testsupport.arm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local Azure Resource Manager over real HTTP, with the semantics the executor depends on:
 * <ul>
 * <li>PUT, GET and DELETE by resource id (paths matched case-insensitively, duplicate slashes ignored), an
 * {@code api-version} on every call and a bearer token on every call;</li>
 * <li>resource groups, and the types {@link ArmPuts} lists, created synchronously; other resources answered 201 with
 * {@code provisioningState=Accepted} and an {@code Azure-AsyncOperation} URL, reaching {@code Succeeded} (or an injected
 * {@code Failed}) after a configurable latency, GETs of the resource showing a non-terminal state until then; updates
 * answered 200;</li>
 * <li>DELETE per type as ARM answers it ({@link ArmDeletes}): synchronous 200, or 202 with {@code Azure-AsyncOperation}
 * and {@code Location}, the resource {@code Deleting} until the operation completes and then gone with its child
 * resources; other types answered 202 with a {@code Location} and removed at once; an absent resource answered 204;</li>
 * <li>parents checked: a resource in a missing group is 404 {@code ResourceGroupNotFound}, an extension resource of a
 * missing parent 404 {@code ParentResourceNotFound};</li>
 * <li>ARM's throttling as Microsoft documents it ("Understand how Azure Resource Manager throttles requests",
 * https://learn.microsoft.com/en-us/azure/azure-resource-manager/management/request-limits-and-throttling): a token
 * bucket per subscription, principal and kind (reads 250 and 25/s, writes 200 and 10/s, deletes 200 and 10/s by
 * default; GET is a read, DELETE a delete, any other method a write) and the subscription-wide bucket of each kind
 * shared by all principals, 15 times a principal's; the principal is the bearer token's ({@link #principal}, an
 * unnamed token is a principal of its own). An empty bucket answers 429 with {@code Retry-After} in delta-seconds
 * or, on request, as an HTTP-date ({@link #retryAfterAsHttpDate}); {@code x-ms-ratelimit-remaining-subscription-reads},
 * {@code -writes} or {@code -deletes} on every call that passed;</li>
 * <li>role assignments as ARM's RBAC keeps them ({@link #grant}): once a subscription or a principal has a grant, a
 * call of a principal on a subscription it was not granted answers 403 {@code AuthorizationFailed}, before throttling;
 * without any grant every principal may act anywhere;</li>
 * <li>connected clusters start {@code connectivityStatus=Connecting} until something (a test's agent simulator)
 * connects them; resource providers can be unregistered (409 {@code MissingSubscriptionRegistration});</li>
 * <li>lists of a group's resources of one type or of a resource's children of one type, in pages;</li>
 * <li>fault injection: the next N matching calls answer a status, or stall for a while (a timeout);</li>
 * <li>counters: creations, PUTs and DELETEs per resource id (to prove idempotency), writes, throttled calls, calls that
 * passed per kind and wall-clock second, and every request body received (to prove no secret reached Azure where it
 * should not).</li>
 * </ul>
 */
public final class ArmEmulator implements AutoCloseable {
    static {
        // The JDK's HTTP server writes an answer's headers and its body apart; with Nagle's algorithm on, the body
        // waits for the client's delayed ACK (40 ms on Linux). Read once, when the JDK's server first starts: the
        // test runs set it too, for servers that start before this class loads.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private static final Pattern SUBSCRIPTION = Pattern.compile("(?i)^/subscriptions/([^/]+)");
    private static final Pattern RESOURCE_GROUP =
            Pattern.compile("(?i)^/subscriptions/([^/]+)/resourcegroups/([^/]+)$");
    private static final Pattern IN_GROUP =
            Pattern.compile("(?i)^(/subscriptions/[^/]+/resourcegroups/[^/]+)/providers/.+");
    private static final Pattern PROVIDER = Pattern.compile("(?i)^/subscriptions/([^/]+)/providers/([^/]+)$");
    /** A resource group's resources of one type: {@code GET} lists them, a page at a time ({@code value}, {@code nextLink}). */
    /**
     * A collection: a resource group's resources of one type, or a resource's children of one type
     * ({@code MachineExtensions_List}: {@code GET .../machines/{m}/extensions}); an odd number of segments after the
     * provider namespace, where a resource id has an even number.
     */
    private static final Pattern COLLECTION =
            Pattern.compile("(?i)^(/subscriptions/[^/]+/resourcegroups/[^/]+/providers/[^/]+/[^/]+(?:/[^/]+/[^/]+)*)$");

    private static final Pattern OPERATION =
            Pattern.compile("(?i)^/subscriptions/([^/]+)/providers/arcfleet\\.emulator/operations/([^/]+)$");
    /** A {@code Location} poll URL of a DELETE: 202 while it runs, then 200 (ARM RPC async-api-reference.md). */
    private static final Pattern OPERATION_RESULT =
            Pattern.compile("(?i)^/subscriptions/([^/]+)/providers/arcfleet\\.emulator/operationResults/([^/]+)$");

    private final ObjectMapper mapper = new ObjectMapper();
    private final Map<String, Stored> resources = new ConcurrentHashMap<>();
    private final Map<String, Operation> operations = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> creations = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> puts = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> deletes = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> forcedDeletes = new ConcurrentHashMap<>();
    /** Keys of resources being deleted by a long-running DELETE; removed with their children once it is done. */
    private final Set<String> deleting = ConcurrentHashMap.newKeySet();
    /** Buckets by subscription, principal ({@code *}: the subscription-wide one) and kind. */
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    private final Map<Kind, double[]> limits = new java.util.EnumMap<>(Kind.class);
    private final Map<String, String> principals = new ConcurrentHashMap<>();
    /** Role assignments: "subscription|principal" pairs, and the subscriptions and principals that have any. */
    private final Set<String> grants = ConcurrentHashMap.newKeySet();

    private final Set<String> grantedSubscriptions = ConcurrentHashMap.newKeySet();
    private final Set<String> grantedPrincipals = ConcurrentHashMap.newKeySet();
    /** Calls that passed throttling by kind, principal and wall-clock second. */
    private final Map<String, java.util.concurrent.ConcurrentSkipListMap<Long, AtomicInteger>> perPrincipalSecond =
            new ConcurrentHashMap<>();

    private final AtomicInteger forbidden = new AtomicInteger();
    private final Map<Kind, java.util.concurrent.ConcurrentSkipListMap<Long, AtomicInteger>> perSecond =
            new java.util.EnumMap<>(Kind.class);
    private final Map<Kind, AtomicInteger> throttledByKind = new java.util.EnumMap<>(Kind.class);
    /** 429s answered by kind and wall-clock second. */
    private final Map<Kind, java.util.concurrent.ConcurrentSkipListMap<Long, AtomicInteger>> throttledPerSecond =
            new java.util.EnumMap<>(Kind.class);
    /** Until when every call of a kind answers 429 whatever the buckets hold (an incident on ARM's side). */
    private final Map<Kind, java.time.Instant> incidents = new ConcurrentHashMap<>();

    private final List<Fault> faults = new CopyOnWriteArrayList<>();
    private final List<Pattern> failingProvisioning = new CopyOnWriteArrayList<>();
    private final Set<String> unregisteredProviders = ConcurrentHashMap.newKeySet();
    /** Resource id patterns whose writes answer with a poll URL on another base (a host that is not ARM). */
    private final Map<Pattern, String> foreignPollBases = new ConcurrentHashMap<>();

    private final List<Recorded> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger writes = new AtomicInteger();
    private final AtomicInteger throttled = new AtomicInteger();
    private final AtomicInteger rejected = new AtomicInteger();
    private final LongSupplier clock = System::nanoTime;
    private volatile double ceilingFactor = 15;
    private volatile boolean retryAfterAsDate;
    private volatile Duration provisioningLatency;
    /** Latencies of the resources whose id matches, instead of {@link #provisioningLatency}: the last added wins. */
    private final List<Map.Entry<Pattern, Duration>> latencies = new CopyOnWriteArrayList<>();

    private volatile Duration operationRetryAfter = Duration.ofSeconds(1);
    private volatile int listPageSize = 100;
    private HttpServer server;
    private ExecutorService executor;

    /** ARM's operation kinds, each throttled by its own buckets. */
    public enum Kind {
        READ,
        WRITE,
        DELETE;

        static Kind of(String method) {
            return switch (method) {
                case "GET", "HEAD" -> READ;
                case "DELETE" -> DELETE;
                default -> WRITE;
            };
        }

        String header() {
            return name().toLowerCase(Locale.ROOT) + "s";
        }
    }

    /** A request the emulator received (method, path as sent, body as text). */
    public record Recorded(String method, String path, String authorization, String body) {}

    private record Fault(String method, Pattern path, int status, Duration stall, AtomicInteger remaining) {}

    private static final class Stored {
        final String id;
        final Map<String, Object> body;
        final long readyAt;
        final boolean fails;
        /** When a long-running DELETE of this resource completes (0: none under way), and its operation id. */
        final long deletedAt;

        final String deleteOperation;

        Stored(String id, Map<String, Object> body, long readyAt, boolean fails) {
            this(id, body, readyAt, fails, 0, null);
        }

        private Stored(
                String id,
                Map<String, Object> body,
                long readyAt,
                boolean fails,
                long deletedAt,
                String deleteOperation) {
            this.id = id;
            this.body = body;
            this.readyAt = readyAt;
            this.fails = fails;
            this.deletedAt = deletedAt;
            this.deleteOperation = deleteOperation;
        }

        Stored deleting(long at, String operationId) {
            return new Stored(id, body, readyAt, fails, at, operationId);
        }
    }

    private record Operation(String resourceKey, long doneAt, boolean delete, boolean fails) {}

    public ArmEmulator() {
        this(200, 10, Duration.ofMillis(300));
    }

    public ArmEmulator(int writeBurst, double writesPerSecond, Duration provisioningLatency) {
        limits.put(Kind.READ, new double[] {250, 25});
        limits.put(Kind.WRITE, new double[] {writeBurst, writesPerSecond});
        limits.put(Kind.DELETE, new double[] {200, 10});
        for (Kind kind : Kind.values()) {
            perSecond.put(kind, new java.util.concurrent.ConcurrentSkipListMap<>());
            throttledByKind.put(kind, new AtomicInteger());
            throttledPerSecond.put(kind, new java.util.concurrent.ConcurrentSkipListMap<>());
        }
        this.provisioningLatency = provisioningLatency;
    }

    /** Starts on a free port of 127.0.0.1 (or the given port); returns this. */
    public ArmEmulator start(int port) {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 256);
        } catch (IOException e) {
            throw new IllegalStateException("ARM emulator cannot listen on port " + port, e);
        }
        executor = Executors.newFixedThreadPool(16, r -> {
            Thread t = new Thread(r, "arm-emulator");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        return this;
    }

    public ArmEmulator start() {
        return start(0);
    }

    /** The ARM endpoint to configure, e.g. {@code http://127.0.0.1:40123}. */
    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
        }
    }

    // ---- control -------------------------------------------------------------------------------------------------

    /** Changes a principal's write bucket (e.g. a tiny one for a 429 storm); buckets restart full at the new size. */
    public void writeBudget(int burst, double perSecond) {
        budget(Kind.WRITE, burst, perSecond);
    }

    /** Changes a principal's bucket of one kind (the subscription's is {@link #ceilingFactor} times it); all restart full. */
    public synchronized void budget(Kind kind, int burst, double perSecond) {
        if (burst < 1 || perSecond <= 0) {
            throw new IllegalArgumentException("burst must be >= 1 and refill > 0");
        }
        limits.put(kind, new double[] {burst, perSecond});
        buckets.clear();
    }

    /** The subscription-wide bucket of each kind as a multiple of a principal's (ARM: 15); all buckets restart full. */
    public synchronized void ceilingFactor(double factor) {
        if (factor < 1) {
            throw new IllegalArgumentException("the ceiling is at least one principal's bucket");
        }
        this.ceilingFactor = factor;
        buckets.clear();
    }

    /** Calls with this bearer token count against {@code principal}'s buckets (as ARM knows a token's identity). */
    public void principal(String token, String principal) {
        principals.put(token, principal);
    }

    /**
     * Lets {@code principal} act on {@code subscriptionId} (a role assignment at subscription scope). Once a subscription
     * or a principal has a grant, calls of principals without one there answer 403 {@code AuthorizationFailed}.
     */
    public void grant(String principal, String subscriptionId) {
        String subscription = subscriptionId.toLowerCase(Locale.ROOT);
        grants.add(subscription + "|" + principal);
        grantedSubscriptions.add(subscription);
        grantedPrincipals.add(principal);
    }

    /** Calls answered 403 {@code AuthorizationFailed} because the principal has no role on the subscription. */
    public int forbidden() {
        return forbidden.get();
    }

    /** Every call of this kind answers 429 for {@code window}, its Retry-After the window's end. */
    public void throttleFor(Kind kind, Duration window) {
        incidents.put(kind, java.time.Instant.now().plus(window));
    }

    /** 429s carry {@code Retry-After} as an HTTP-date (RFC 9110 IMF-fixdate) instead of delta-seconds. */
    public void retryAfterAsHttpDate(boolean asDate) {
        this.retryAfterAsDate = asDate;
    }

    /** How long every long-running PUT and DELETE takes, and forgets the latencies set for some resources. */
    public void provisioningLatency(Duration latency) {
        this.provisioningLatency = latency;
        latencies.clear();
    }

    /** How long the long-running PUTs and DELETEs of the resources whose id matches {@code idRegex} take. */
    public void provisioningLatency(String idRegex, Duration latency) {
        latencies.add(0, Map.entry(Pattern.compile(idRegex, Pattern.CASE_INSENSITIVE), latency));
    }

    private long latencyNanos(String path) {
        for (Map.Entry<Pattern, Duration> latency : latencies) {
            if (latency.getKey().matcher(path).find()) {
                return latency.getValue().toNanos();
            }
        }
        return provisioningLatency.toNanos();
    }

    /**
     * The {@code Retry-After} that accepted writes and deletes and their operations' status answers carry (1 s by
     * default): how long ARM asks a client to wait before it polls.
     */
    public void operationRetryAfter(Duration after) {
        this.operationRetryAfter = after;
    }

    private String operationRetryAfter() {
        return Long.toString(Math.max(0, operationRetryAfter.toSeconds()));
    }

    /** How many resources a page of a list holds (ARM's own page sizes vary; 100 by default here). */
    public void listPageSize(int size) {
        this.listPageSize = size;
    }

    /** The next {@code times} calls of {@code method} whose path matches {@code pathRegex} answer {@code status}. */
    public void failNext(String method, String pathRegex, int status, int times) {
        faults.add(new Fault(
                method,
                Pattern.compile(pathRegex, Pattern.CASE_INSENSITIVE),
                status,
                Duration.ZERO,
                new AtomicInteger(times)));
    }

    /** The next {@code times} matching calls stall for {@code stall} before being answered normally (client timeouts). */
    public void stallNext(String method, String pathRegex, Duration stall, int times) {
        faults.add(new Fault(
                method, Pattern.compile(pathRegex, Pattern.CASE_INSENSITIVE), 0, stall, new AtomicInteger(times)));
    }

    /**
     * A test hook: writes to resources matching {@code idRegex} answer with an {@code Azure-AsyncOperation} or
     * {@code Location} URL on {@code base} (say {@code http://127.0.0.1:<port>} of a server that is not ARM), as a
     * compromised or spoofed endpoint could; a client must not follow it with its token.
     */
    public void pollUrlsOn(String idRegex, String base) {
        foreignPollBases.put(Pattern.compile(idRegex, Pattern.CASE_INSENSITIVE), base);
    }

    /** Drops the injected faults that remain for paths given as exactly {@code pathRegex} (the incident is over). */
    public void clearFaults(String pathRegex) {
        faults.removeIf(f -> f.path().pattern().equals(pathRegex));
    }

    /**
     * Resources created from now on whose id matches end provisioning {@code Failed}, as a long-running operation even
     * where the type's PUT is synchronous ({@link ArmPuts}).
     */
    public void failProvisioning(String idRegex) {
        failingProvisioning.add(Pattern.compile(idRegex, Pattern.CASE_INSENSITIVE));
    }

    /** The subscription is no longer registered for this namespace (e.g. {@code Microsoft.Kubernetes}). */
    public void unregisterProvider(String namespace) {
        unregisteredProviders.add(namespace.toLowerCase(Locale.ROOT));
    }

    /** Registers the namespace again. */
    public void registerProvider(String namespace) {
        unregisteredProviders.remove(namespace.toLowerCase(Locale.ROOT));
    }

    /** Sets {@code properties.<name>} of an existing resource, as Azure's side would (agents connecting, say). */
    @SuppressWarnings("unchecked")
    public void setProperty(String resourceId, String name, Object value) {
        Stored stored = resources.get(key(resourceId));
        if (stored == null) {
            throw new IllegalArgumentException("no resource " + resourceId);
        }
        synchronized (stored) {
            ((Map<String, Object>) stored.body.computeIfAbsent("properties", k -> new LinkedHashMap<>()))
                    .put(name, value);
        }
    }

    /**
     * Creates a resource from outside the executor (an agent registering itself, or a resource that already existed),
     * already provisioned; not counted as a creation through the API.
     */
    public void seed(String resourceId, Map<String, Object> body) {
        Map<String, Object> copy = deepCopy(body);
        decorate(resourceId, copy);
        properties(copy).put("provisioningState", "Succeeded");
        resources.put(key(resourceId), new Stored(resourceId, copy, 0, false));
    }

    // ---- inspection ----------------------------------------------------------------------------------------------

    /** The resource as GET would return it now, or empty. */
    public Optional<Map<String, Object>> resource(String resourceId) {
        reap();
        Stored stored = resources.get(key(resourceId));
        return stored == null ? Optional.empty() : Optional.of(view(stored));
    }

    /** Ids of the stored resources whose id matches. */
    public List<String> resourceIds(String idRegex) {
        Pattern pattern = Pattern.compile(idRegex, Pattern.CASE_INSENSITIVE);
        reap();
        return resources.values().stream()
                .map(s -> s.id)
                .filter(id -> pattern.matcher(id).find())
                .sorted()
                .toList();
    }

    /** How many times a PUT created this resource (1 when idempotent; more means it was created twice). */
    public int creations(String resourceId) {
        AtomicInteger count = creations.get(key(resourceId));
        return count == null ? 0 : count.get();
    }

    /** Creation counts of every resource ever created through the API, by resource id (lower case). */
    public Map<String, Integer> creations() {
        Map<String, Integer> copy = new LinkedHashMap<>();
        creations.forEach((k, v) -> copy.put(k, v.get()));
        return copy;
    }

    /** How many PUTs (accepted ones, creations and updates) this resource received. */
    public int puts(String resourceId) {
        AtomicInteger count = puts.get(key(resourceId));
        return count == null ? 0 : count.get();
    }

    /** How many DELETEs of this resource id ARM received (past authentication and throttling), whatever they answered. */
    public int deletes(String resourceId) {
        AtomicInteger count = deletes.get(key(resourceId));
        return count == null ? 0 : count.get();
    }

    /** DELETE counts by resource id (lower case). */
    public Map<String, Integer> deletes() {
        Map<String, Integer> copy = new LinkedHashMap<>();
        deletes.forEach((k, v) -> copy.put(k, v.get()));
        return copy;
    }

    /** How many DELETEs ARM received for resources of this type (e.g. {@code Microsoft.Kubernetes/connectedClusters}). */
    public int deletesOfType(String type) {
        return deletes.entrySet().stream()
                .filter(e -> typeOf(e.getKey()).equalsIgnoreCase(type))
                .mapToInt(e -> e.getValue().get())
                .sum();
    }

    /**
     * How many DELETEs of this resource id asked to force it: {@code force=true} on a connected cluster,
     * {@code forceDelete=true} on a cluster extension.
     */
    public int forcedDeletes(String resourceId) {
        AtomicInteger count = forcedDeletes.get(key(resourceId));
        return count == null ? 0 : count.get();
    }

    public int writes() {
        return writes.get();
    }

    /** PUTs refused because their body broke the type's published schema. */
    public int rejected() {
        return rejected.get();
    }

    public int throttled() {
        return throttled.get();
    }

    /** 429s answered to calls of this kind. */
    public int throttled(Kind kind) {
        return throttledByKind.get(kind).get();
    }

    /** 429s answered to calls of this kind, by wall-clock second (epoch seconds), in all subscriptions. */
    public java.util.SortedMap<Long, Integer> throttledPerSecond(Kind kind) {
        java.util.SortedMap<Long, Integer> copy = new java.util.TreeMap<>();
        throttledPerSecond.get(kind).forEach((second, n) -> copy.put(second, n.get()));
        return copy;
    }

    /** Calls of this kind that passed throttling, by wall-clock second (epoch seconds), in all subscriptions. */
    public java.util.SortedMap<Long, Integer> passedPerSecond(Kind kind) {
        java.util.SortedMap<Long, Integer> copy = new java.util.TreeMap<>();
        perSecond.get(kind).forEach((second, n) -> copy.put(second, n.get()));
        return copy;
    }

    /** Calls of this kind by this principal that passed throttling, by wall-clock second (epoch seconds). */
    public java.util.SortedMap<Long, Integer> passedPerSecond(Kind kind, String principal) {
        java.util.SortedMap<Long, Integer> copy = new java.util.TreeMap<>();
        var seconds = perPrincipalSecond.get(kind + "|" + principal);
        if (seconds != null) {
            seconds.forEach((second, n) -> copy.put(second, n.get()));
        }
        return copy;
    }

    public List<Recorded> requests() {
        return Collections.unmodifiableList(new ArrayList<>(requests));
    }

    // ---- HTTP ----------------------------------------------------------------------------------------------------

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
            URI uri = exchange.getRequestURI();
            // "//subscriptions/..." (the SDK's {$host}/{resourceId} with a leading-slash id) parses as an authority
            String rawPath = uri.getScheme() == null && uri.getAuthority() != null
                    ? "/" + uri.getAuthority() + uri.getPath()
                    : uri.getPath();
            String path = normalize(rawPath);
            String query = exchange.getRequestURI().getQuery();
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            requests.add(new Recorded(method, rawPath, authorization, body));
            Answer answer = answer(method, path, query, authorization, body);
            respond(exchange, answer);
        }
    }

    private record Answer(int status, Object body, Map<String, String> headers) {
        static Answer of(int status, Object body) {
            return new Answer(status, body, new LinkedHashMap<>());
        }

        Answer header(String name, String value) {
            headers.put(name, value);
            return this;
        }
    }

    private Answer answer(String method, String path, String query, String authorization, String body) {
        if (authorization == null || !authorization.startsWith("Bearer ") || authorization.length() < 12) {
            return error(401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.");
        }
        if (query == null || !query.contains("api-version=")) {
            return error(
                    400,
                    "MissingApiVersionParameter",
                    "The api-version query parameter (?api-version=) is required " + "for all requests.");
        }
        Matcher subscription = SUBSCRIPTION.matcher(path);
        if (!subscription.find()) {
            return error(404, "InvalidResourceType", "The resource type could not be found for path " + path);
        }
        String subscriptionId = subscription.group(1).toLowerCase(Locale.ROOT);
        for (Fault fault : faults) {
            if (fault.method().equals(method)
                    && fault.path().matcher(path).find()
                    && fault.remaining().getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
                if (fault.stall().isZero()) {
                    return error(
                            fault.status(),
                            fault.status() >= 500 ? "InternalServerError" : "InjectedFault",
                            "injected fault " + fault.status());
                }
                LockSupport.parkNanos(fault.stall().toNanos());
            }
        }
        reap();
        Kind kind = Kind.of(method);
        String principal = principals.getOrDefault(
                authorization.substring("Bearer ".length()).trim(),
                "token#" + Integer.toHexString(authorization.hashCode()));
        if ((grantedSubscriptions.contains(subscriptionId) || grantedPrincipals.contains(principal))
                && !grants.contains(subscriptionId + "|" + principal)) {
            forbidden.incrementAndGet();
            return error(
                    403,
                    "AuthorizationFailed",
                    "The client '" + principal + "' does not have authorization to perform action '"
                            + (kind == Kind.READ ? "read" : kind == Kind.DELETE ? "delete" : "write")
                            + "' over scope '/subscriptions/" + subscriptionId
                            + "' or the scope is invalid. If access was recently granted, please refresh your"
                            + " credentials.");
        }
        long[] remaining = new long[1];
        java.time.Instant incident = incidents.get(kind);
        Duration wait = incident != null && incident.isAfter(java.time.Instant.now())
                ? Duration.between(java.time.Instant.now(), incident)
                : take(subscriptionId, principal, kind, remaining);
        if (!wait.isZero()) {
            throttled.incrementAndGet();
            throttledByKind.get(kind).incrementAndGet();
            throttledPerSecond
                    .get(kind)
                    .computeIfAbsent(System.currentTimeMillis() / 1000, k -> new AtomicInteger())
                    .incrementAndGet();
            String kindName = kind.name().charAt(0) + kind.name().substring(1).toLowerCase(Locale.ROOT);
            return error(
                            429,
                            "TooManyRequests",
                            "The request is being throttled as the limit has been reached for " + "operation type - "
                                    + kindName + ". For more information, see https://aka.ms/armthrottling")
                    .header("Retry-After", retryAfter(wait))
                    .header("x-ms-ratelimit-remaining-subscription-" + kind.header(), "0");
        }
        perSecond
                .get(kind)
                .computeIfAbsent(System.currentTimeMillis() / 1000, k -> new AtomicInteger())
                .incrementAndGet();
        perPrincipalSecond
                .computeIfAbsent(kind + "|" + principal, k -> new java.util.concurrent.ConcurrentSkipListMap<>())
                .computeIfAbsent(System.currentTimeMillis() / 1000, k -> new AtomicInteger())
                .incrementAndGet();
        if (kind != Kind.READ) {
            writes.incrementAndGet();
        }
        String rateHeader = "x-ms-ratelimit-remaining-subscription-" + kind.header();
        Answer passed = route(method, path, query, body);
        passed.headers().put(rateHeader, Long.toString(remaining[0]));
        return passed;
    }

    private Answer route(String method, String path, String query, String body) {
        Matcher operation = OPERATION.matcher(path);
        if (operation.matches() && "GET".equals(method)) {
            return operation(operation.group(2), query);
        }
        Matcher operationResult = OPERATION_RESULT.matcher(path);
        if (operationResult.matches() && "GET".equals(method)) {
            return operationResult(path, operationResult.group(2), query);
        }
        Matcher provider = PROVIDER.matcher(path);
        if (provider.matches() && "GET".equals(method)) {
            boolean registered =
                    !unregisteredProviders.contains(provider.group(2).toLowerCase(Locale.ROOT));
            return Answer.of(
                    200,
                    Map.of(
                            "id",
                            path,
                            "namespace",
                            provider.group(2),
                            "registrationState",
                            registered ? "Registered" : "NotRegistered"));
        }
        String apiVersion = query.replaceAll(".*api-version=([^&]+).*", "$1");
        Matcher collection = COLLECTION.matcher(normalize(path));
        if (collection.matches() && "GET".equals(method)) {
            return list(collection.group(1), apiVersion, query);
        }
        java.util.Set<String> versions = ArmSchemas.apiVersions(typeOf(path));
        if (versions != null && !versions.contains(apiVersion)) {
            return error(
                    400,
                    "NoRegisteredProviderFound",
                    "No registered resource provider found for location 'westeurope'"
                            + " and API version '" + apiVersion + "' for type '"
                            + typeOf(path).substring(typeOf(path).indexOf('/') + 1)
                            + "'. The supported api-versions are '"
                            + String.join(", ", new java.util.TreeSet<>(versions)) + "'.");
        }
        return switch (method) {
            case "GET" -> get(path);
            case "PUT" -> put(path, body, query);
            case "DELETE" -> delete(path, query);
            default -> error(405, "MethodNotAllowed", "method " + method + " is not supported here");
        };
    }

    /** A Retry-After at least {@code wait} away: whole delta-seconds, or an IMF-fixdate rounded up to its second. */
    private String retryAfter(Duration wait) {
        if (!retryAfterAsDate) {
            return Long.toString(Math.max(1, (long) Math.ceil(wait.toMillis() / 1000.0)));
        }
        java.time.Instant at = java.time.Instant.now()
                .plus(wait)
                .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                .plusSeconds(1);
        return java.time.format.DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
                .format(at.atZone(java.time.ZoneOffset.UTC));
    }

    /**
     * Takes a token from the principal's bucket and the subscription's of this kind, both or neither: zero when
     * granted, else how long until both have one.
     */
    private synchronized Duration take(String subscriptionId, String principal, Kind kind, long[] remaining) {
        double[] limit = limits.get(kind);
        Bucket own = buckets.computeIfAbsent(
                subscriptionId + "|" + principal + "|" + kind, k -> new Bucket(limit[0], limit[1]));
        Bucket all = buckets.computeIfAbsent(
                subscriptionId + "|*|" + kind, k -> new Bucket(limit[0] * ceilingFactor, limit[1] * ceilingFactor));
        Duration ownWait = own.waitForOne();
        Duration allWait = all.waitForOne();
        if (!ownWait.isZero() || !allWait.isZero()) {
            return ownWait.compareTo(allWait) >= 0 ? ownWait : allWait;
        }
        own.tokens -= 1;
        all.tokens -= 1;
        remaining[0] = (long) Math.floor(Math.min(own.tokens, all.tokens));
        return Duration.ZERO;
    }

    /**
     * A list of a resource group's resources of one type ({@code Machines_ListByResourceGroup} and its kind: the
     * {@code value} array and, while more remain, a {@code nextLink} on this endpoint with a {@code $skiptoken}), in
     * pages of {@link #listPageSize}.
     */
    private Answer list(String collectionPath, String apiVersion, String query) {
        String type = typeOf(collectionPath + "/x");
        java.util.Set<String> versions = ArmSchemas.apiVersions(type);
        if (versions != null && !versions.contains(apiVersion)) {
            return error(
                    400,
                    "NoRegisteredProviderFound",
                    "No registered resource provider found for API version '" + apiVersion + "' for type '" + type
                            + "'.");
        }
        if (!collectionPath.matches("(?i)^/subscriptions/[^/]+/resourcegroups/[^/]+/providers/[^/]+/[^/]+$")) {
            // a resource's children: ARM answers 404 when the resource itself is not there
            Answer missingParent = missingParent(collectionPath + "/x");
            if (missingParent != null) {
                return missingParent;
            }
        }
        String prefix = key(collectionPath) + "/";
        List<String> ids = resources.keySet().stream()
                .filter(k -> k.startsWith(prefix) && k.indexOf('/', prefix.length()) < 0)
                .sorted()
                .toList();
        int from = 0;
        Matcher skip = Pattern.compile("(?:^|&)\\$skiptoken=(\\d+)").matcher(query);
        if (skip.find()) {
            from = Integer.parseInt(skip.group(1));
        }
        List<Object> value = new ArrayList<>();
        for (int i = from; i < Math.min(ids.size(), from + listPageSize); i++) {
            Stored stored = resources.get(ids.get(i));
            if (stored != null) {
                value.add(view(stored));
            }
        }
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("value", value);
        if (from + listPageSize < ids.size()) {
            page.put(
                    "nextLink",
                    endpoint() + collectionPath + "?api-version=" + apiVersion + "&$skiptoken="
                            + (from + listPageSize));
        }
        return Answer.of(200, page);
    }

    private Answer get(String path) {
        Stored stored = resources.get(key(path));
        if (stored == null) {
            return notFound(path);
        }
        return Answer.of(200, view(stored));
    }

    @SuppressWarnings("unchecked")
    private synchronized Answer put(String path, String body, String query) {
        Map<String, Object> parsed;
        try {
            parsed = body.isBlank() ? null : mapper.readValue(body, Map.class);
        } catch (IOException e) {
            return error(
                    400,
                    "InvalidRequestContent",
                    "The request content was invalid and could not be deserialized: " + e.getMessage());
        }
        if (parsed == null) {
            return error(400, "InvalidRequestContent", "The request content is empty.");
        }
        String namespace = providerNamespace(path);
        if (namespace != null && unregisteredProviders.contains(namespace.toLowerCase(Locale.ROOT))) {
            return error(
                    409,
                    "MissingSubscriptionRegistration",
                    "The subscription is not registered to use namespace '" + namespace
                            + "'. See https://aka.ms/rps-not-found for how to register subscriptions.");
        }
        String type = typeOf(path);
        if (!ArmSchemas.known(type)) {
            return error(
                    400, "NoRegisteredProviderFound", "No registered resource provider found for type '" + type + "'.");
        }
        List<ArmSchemas.Violation> violations =
                ArmSchemas.validate(type, path.substring(path.lastIndexOf('/') + 1), parsed);
        if (!violations.isEmpty()) {
            List<Map<String, Object>> details = new ArrayList<>();
            for (ArmSchemas.Violation v : violations) {
                details.add(Map.of("code", v.code(), "target", v.target(), "message", v.message()));
            }
            rejected.incrementAndGet();
            return Answer.of(
                    400,
                    Map.of(
                            "error",
                            Map.of(
                                    "code",
                                    "InvalidRequestContent",
                                    "message",
                                    "The request content was invalid: "
                                            + violations.get(0).message()
                                            + (violations.size() > 1
                                                    ? " (and " + (violations.size() - 1) + " more)"
                                                    : ""),
                                    "target",
                                    violations.get(0).target(),
                                    "details",
                                    details)));
        }
        if (type.equalsIgnoreCase("Microsoft.Authorization/roleAssignments")) {
            Object principal = ((Map<?, ?>) parsed.getOrDefault("properties", Map.of())).get("principalId");
            if (!knownPrincipal(String.valueOf(principal))) {
                return error(
                        400,
                        "PrincipalNotFound",
                        "Principal " + principal + " does not exist in the directory "
                                + "00000000-0000-0000-0000-00000000feed.");
            }
        }
        Matcher group = RESOURCE_GROUP.matcher(path);
        if (group.matches()) {
            puts.computeIfAbsent(key(path), k -> new AtomicInteger()).incrementAndGet();
            if (parsed.get("location") == null) {
                return error(400, "LocationRequired", "The location property is required for this definition.");
            }
            boolean created = resources.get(key(path)) == null;
            Map<String, Object> copy = deepCopy(parsed);
            decorate(path, copy);
            properties(copy).put("provisioningState", "Succeeded");
            resources.put(key(path), new Stored(path, copy, 0, false));
            if (created) {
                creations.computeIfAbsent(key(path), k -> new AtomicInteger()).incrementAndGet();
            }
            return Answer.of(created ? 201 : 200, view(resources.get(key(path))));
        }
        Answer missingParent = missingParent(path);
        if (missingParent != null) {
            return missingParent;
        }
        puts.computeIfAbsent(key(path), k -> new AtomicInteger()).incrementAndGet();
        Stored existing = resources.get(key(path));
        if (existing != null) {
            Map<String, Object> merged = deepCopy(parsed);
            decorate(existing.id, merged);
            Map<String, Object> props = properties(merged);
            Map<String, Object> old = properties(existing.body);
            // properties Azure owns survive an update
            for (String owned : List.of("connectivityStatus", "status", "provisioningState", "customerId")) {
                if (old.containsKey(owned) && !props.containsKey(owned)) {
                    props.put(owned, old.get(owned));
                }
            }
            Object state = properties(view(existing)).get("provisioningState");
            if ("Accepted".equals(state) || "Creating".equals(state) || "Deleting".equals(state)) {
                return error(409, "AnotherOperationInProgress", "Another operation is in progress on " + existing.id);
            }
            props.put("provisioningState", "Succeeded");
            resources.put(key(path), new Stored(existing.id, merged, 0, false));
            return Answer.of(200, view(resources.get(key(path))));
        }
        Map<String, Object> copy = deepCopy(parsed);
        decorate(path, copy);
        Map<String, Object> props = properties(copy);
        props.put("provisioningState", "Accepted");
        if (typeOf(path).equalsIgnoreCase("Microsoft.Kubernetes/connectedClusters")) {
            props.putIfAbsent("connectivityStatus", "Connecting");
        }
        if (typeOf(path).equalsIgnoreCase("Microsoft.OperationalInsights/workspaces")) {
            // the workspace id agents report with, assigned by Azure (read-only customerId in Workspaces.json)
            props.put(
                    "customerId",
                    UUID.nameUUIDFromBytes(("workspace " + key(path)).getBytes(StandardCharsets.UTF_8))
                            .toString());
        }
        boolean fails =
                failingProvisioning.stream().anyMatch(p -> p.matcher(path).find());
        if (!fails && ArmPuts.synchronous(typeOf(path))) {
            props.put("provisioningState", "Succeeded");
            resources.put(key(path), new Stored(path, copy, 0, false));
            creations.computeIfAbsent(key(path), k -> new AtomicInteger()).incrementAndGet();
            return Answer.of(201, view(resources.get(key(path))));
        }
        long readyAt = clock.getAsLong() + latencyNanos(path);
        resources.put(key(path), new Stored(path, copy, readyAt, fails));
        creations.computeIfAbsent(key(path), k -> new AtomicInteger()).incrementAndGet();
        String operationId = UUID.randomUUID().toString();
        operations.put(operationId, new Operation(key(path), readyAt, false, fails));
        return Answer.of(201, view(resources.get(key(path))))
                .header("Azure-AsyncOperation", operationUrl(path, "operations", operationId, query))
                .header("Retry-After", operationRetryAfter());
    }

    /**
     * A DELETE as {@link ArmDeletes} says ARM answers it for the type; an absent resource is 204 for every type
     * (each listed operation's "204: the resource was not found" response).
     */
    private synchronized Answer delete(String path, String query) {
        String key = key(path);
        ArmDeletes.Rule rule = ArmDeletes.rule(typeOf(path));
        deletes.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        if (rule != null && rule.forced(query)) {
            forcedDeletes.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        }
        Stored stored = resources.get(key);
        if (stored == null) {
            return Answer.of(204, null);
        }
        if (rule == null) {
            // a type no source was read for: the generic answer, gone at once
            removeWithChildren(key);
            String operationId = UUID.randomUUID().toString();
            operations.put(operationId, new Operation(key, clock.getAsLong() + latencyNanos(path), true, false));
            return Answer.of(202, null)
                    .header("Location", operationUrl(path, "operationResults", operationId, query))
                    .header("Retry-After", operationRetryAfter());
        }
        if (rule.style() == ArmDeletes.Style.SYNC) {
            removeWithChildren(key);
            return Answer.of(200, null);
        }
        String operationId = stored.deleteOperation;
        if (operationId == null) {
            operationId = UUID.randomUUID().toString();
            long doneAt = clock.getAsLong() + latencyNanos(path);
            resources.put(key, stored.deleting(doneAt, operationId));
            deleting.add(key);
            operations.put(operationId, new Operation(key, doneAt, true, false));
        } // a DELETE repeated while one runs answers that same operation (the emulator's choice; no source read)
        return Answer.of(202, null)
                .header("Azure-AsyncOperation", operationUrl(path, "operations", operationId, query))
                .header("Location", operationUrl(path, "operationResults", operationId, query))
                .header("Retry-After", operationRetryAfter());
    }

    /** Removes the resource and every resource under its id (ARM removes child resources with their parent). */
    private void removeWithChildren(String key) {
        String prefix = key + "/";
        resources.keySet().removeIf(k -> k.equals(key) || k.startsWith(prefix));
        deleting.removeIf(k -> k.equals(key) || k.startsWith(prefix));
    }

    /** Completes the long-running DELETEs whose time has come: the resource and its children disappear. */
    private void reap() {
        if (deleting.isEmpty()) {
            return;
        }
        synchronized (this) {
            long now = clock.getAsLong();
            for (String key : List.copyOf(deleting)) {
                Stored stored = resources.get(key);
                if (stored == null) {
                    deleting.remove(key);
                } else if (stored.deletedAt > 0 && now >= stored.deletedAt) {
                    removeWithChildren(key);
                }
            }
        }
    }

    /** An {@code Azure-AsyncOperation} status: always 200 with {@code status} (ARM RPC async-api-reference.md). */
    private Answer operation(String operationId, String query) {
        Operation op = operations.get(operationId);
        if (op == null) {
            return error(404, "OperationNotFound", "operation " + operationId + " not found");
        }
        boolean done = clock.getAsLong() >= op.doneAt();
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("id", operationId);
        status.put("name", operationId);
        status.put("status", !done ? "InProgress" : op.fails() ? "Failed" : "Succeeded");
        if (done && op.fails()) {
            status.put(
                    "error",
                    Map.of(
                            "code",
                            "ResourceDeploymentFailure",
                            "message",
                            "The resource provisioning operation did not complete (injected failure)."));
        }
        Answer answer = Answer.of(200, status);
        return done ? answer : answer.header("Retry-After", operationRetryAfter());
    }

    /** A DELETE's {@code Location}: 202 with the same {@code Location} while it runs, then 200 with no body. */
    private Answer operationResult(String path, String operationId, String query) {
        Operation op = operations.get(operationId);
        if (op == null || !op.delete()) {
            return error(404, "OperationNotFound", "operation " + operationId + " not found");
        }
        if (clock.getAsLong() < op.doneAt()) {
            return Answer.of(202, null)
                    .header("Location", endpoint() + path + "?" + query)
                    .header("Retry-After", operationRetryAfter());
        }
        return Answer.of(200, null);
    }

    /** Whether a principal id is one of the system-assigned identities this emulator gave a resource. */
    private boolean knownPrincipal(String principalId) {
        for (Stored stored : resources.values()) {
            if (stored.body.get("identity") instanceof Map<?, ?> identity
                    && principalId.equals(identity.get("principalId"))) {
                return true;
            }
        }
        return false;
    }

    private Answer missingParent(String path) {
        Matcher inGroup = IN_GROUP.matcher(path);
        if (inGroup.matches() && !resources.containsKey(key(inGroup.group(1)))) {
            return error(
                    404,
                    "ResourceGroupNotFound",
                    "Resource group '"
                            + inGroup.group(1).substring(inGroup.group(1).lastIndexOf('/') + 1)
                            + "' could not be found.");
        }
        String lower = path.toLowerCase(Locale.ROOT);
        int first = lower.indexOf("/providers/");
        int last = lower.lastIndexOf("/providers/");
        String parent = null;
        if (first >= 0 && last > first) {
            parent = path.substring(0, last);
        } else if (last >= 0 && path.substring(last + "/providers/".length()).split("/").length > 3) {
            // a child type (instances/x/brokers/y): its parent is the id without the last type and name
            parent = path.substring(0, path.lastIndexOf('/', path.lastIndexOf('/') - 1));
            if (parent.toLowerCase(Locale.ROOT).endsWith("/blobservices/default")) {
                parent = parent.substring(
                        0, parent.length() - "/blobServices/default".length()); // implicit, always there
            }
        }
        if (parent != null && !resources.containsKey(key(parent))) {
            return error(
                    404,
                    "ParentResourceNotFound",
                    "Can not perform requested operation on nested resource. " + "Parent resource '" + parent
                            + "' not found.");
        }
        return null;
    }

    private Answer notFound(String path) {
        Answer missingParent = missingParent(path);
        if (missingParent != null) {
            return missingParent;
        }
        return error(
                404,
                "ResourceNotFound",
                "The Resource '" + typeOf(path) + "/" + path.substring(path.lastIndexOf('/') + 1)
                        + "' under resource group was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix");
    }

    private String operationUrl(String path, String kind, String operationId, String query) {
        Matcher subscription = SUBSCRIPTION.matcher(path);
        subscription.find();
        String apiVersion = query.replaceAll(".*api-version=([^&]+).*", "$1");
        String base = foreignPollBases.entrySet().stream()
                .filter(e -> e.getKey().matcher(path).find())
                .map(Map.Entry::getValue)
                .findFirst()
                .orElse(endpoint());
        return base + "/subscriptions/" + subscription.group(1) + "/providers/arcfleet.emulator/" + kind + "/"
                + operationId + "?api-version=" + apiVersion;
    }

    private Map<String, Object> view(Stored stored) {
        Map<String, Object> copy;
        synchronized (stored) {
            copy = deepCopy(stored.body);
        }
        if (stored.readyAt > 0) {
            Map<String, Object> props = properties(copy);
            if (clock.getAsLong() >= stored.readyAt) {
                props.put("provisioningState", stored.fails ? "Failed" : "Succeeded");
            } else if ("Accepted".equals(props.get("provisioningState"))
                    && clock.getAsLong() >= stored.readyAt - latencyNanos(stored.id) / 2) {
                props.put("provisioningState", "Creating");
            }
        }
        if (stored.deletedAt > 0) {
            // "If a provisioningState property is used for the resource, it MUST transition to a non-terminal state
            // like Deleting" (ARM RPC async-api-reference.md, "Delete Resource Asynchronously")
            properties(copy).put("provisioningState", "Deleting");
        }
        return copy;
    }

    private static void decorate(String id, Map<String, Object> body) {
        body.put("id", id);
        body.put("name", id.substring(id.lastIndexOf('/') + 1));
        body.put("type", typeOf(id));
        body.computeIfAbsent("properties", k -> new LinkedHashMap<>());
        if (body.get("identity") instanceof Map<?, ?> identity && "SystemAssigned".equals(identity.get("type"))) {
            Map<String, Object> withPrincipal = new LinkedHashMap<>();
            withPrincipal.put("type", "SystemAssigned");
            withPrincipal.put(
                    "principalId",
                    UUID.nameUUIDFromBytes(id.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8))
                            .toString());
            withPrincipal.put("tenantId", "00000000-0000-0000-0000-00000000feed");
            body.put("identity", withPrincipal);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> properties(Map<String, Object> body) {
        Object props = body.get("properties");
        if (!(props instanceof Map<?, ?>)) {
            props = new LinkedHashMap<String, Object>();
            body.put("properties", props);
        }
        return (Map<String, Object>) props;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> deepCopy(Map<String, Object> body) {
        return mapper.convertValue(body, LinkedHashMap.class);
    }

    static String typeOf(String path) {
        if (RESOURCE_GROUP.matcher(path).matches()) {
            return "Microsoft.Resources/resourceGroups";
        }
        String lower = path.toLowerCase(Locale.ROOT);
        int at = lower.lastIndexOf("/providers/");
        if (at < 0) {
            return "Microsoft.Resources/unknown";
        }
        String[] parts = path.substring(at + "/providers/".length()).split("/");
        StringBuilder type = new StringBuilder(parts[0]);
        for (int i = 1; i < parts.length; i += 2) {
            type.append('/').append(parts[i]);
        }
        return type.toString();
    }

    private static String providerNamespace(String path) {
        String lower = path.toLowerCase(Locale.ROOT);
        int at = lower.lastIndexOf("/providers/");
        if (at < 0) {
            return null;
        }
        String rest = path.substring(at + "/providers/".length());
        int slash = rest.indexOf('/');
        return slash < 0 ? rest : rest.substring(0, slash);
    }

    static String normalize(String path) {
        String p = path.replaceAll("/{2,}", "/");
        return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }

    private static String key(String resourceId) {
        return normalize(resourceId).toLowerCase(Locale.ROOT);
    }

    private Answer error(int status, String code, String message) {
        return Answer.of(status, Map.of("error", Map.of("code", code, "message", message)));
    }

    private void respond(HttpExchange exchange, Answer answer) throws IOException {
        answer.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        exchange.getResponseHeaders().add("x-ms-request-id", UUID.randomUUID().toString());
        if (answer.body() == null) {
            exchange.sendResponseHeaders(answer.status(), -1);
            return;
        }
        byte[] bytes = mapper.writeValueAsBytes(answer.body());
        exchange.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(answer.status(), bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** A token bucket; used under the emulator's lock ({@link #take}). */
    private final class Bucket {
        private final double burst;
        private final double perSecond;
        private double tokens;
        private long last = clock.getAsLong();

        Bucket(double burst, double perSecond) {
            this.burst = burst;
            this.perSecond = perSecond;
            this.tokens = burst;
        }

        /** Refills, then zero when a token is there, else how long until one is. */
        Duration waitForOne() {
            long now = clock.getAsLong();
            tokens = Math.min(burst, tokens + (now - last) / 1e9 * perSecond);
            last = now;
            return tokens >= 1 ? Duration.ZERO : Duration.ofNanos((long) Math.ceil((1 - tokens) / perSecond * 1e9));
        }
    }

    /** Runs the emulator alone (for benchmarks and manual runs): {@code ArmEmulator [port]}. */
    public static void main(String[] args) throws InterruptedException {
        ArmEmulator emulator = new ArmEmulator().start(args.length > 0 ? Integer.parseInt(args[0]) : 0);
        System.out.println("ARM emulator listening on " + emulator.endpoint());
        Runtime.getRuntime().addShutdownHook(new Thread(emulator::close));
        new java.util.concurrent.CountDownLatch(1).await();
    }
}
