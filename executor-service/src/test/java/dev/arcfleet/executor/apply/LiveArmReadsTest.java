package dev.arcfleet.executor.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arcfleet.contracts.AzureTarget;
import dev.arcfleet.contracts.OnboardingPlan;
import dev.arcfleet.contracts.Route;
import dev.arcfleet.contracts.Target;
import dev.arcfleet.contracts.TargetKind;
import dev.arcfleet.executor.azure.ArmAccounts;
import dev.arcfleet.executor.azure.ArmBudget;
import dev.arcfleet.executor.azure.AzureClients;
import dev.arcfleet.executor.azure.BudgetDatabase;
import dev.arcfleet.executor.config.ExecutorConfig;
import dev.arcfleet.executor.engine.StepOutcome;
import dev.arcfleet.executor.route.ApiVersions;
import dev.arcfleet.executor.route.ArmRequest;
import dev.arcfleet.executor.route.Placeholders;
import dev.arcfleet.executor.route.RoutePlaceholders;
import dev.arcfleet.executor.route.StepSpec;
import dev.arcfleet.testsupport.arm.ArmEmulator;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * What the live applier reads to ensure a resource.
 *
 * <p>A resource found provisioned as asked moments ago, such as the resource group every plan of a target ensures, is
 * adopted without a second read; a value a PUT's body refers to is read once however often the body takes it.
 *
 * <p>A PUT ARM answers as a long-running operation: its resource is what is polled (ARM RPC async-api-reference.md: GETs
 * of the resource show a non-terminal provisioningState until the PUT's provisioning ends), so one read per poll says
 * both that it ended and what the resource is; the operation is read only when the resource cannot tell, as when
 * provisioning failed and the operation holds the error. Polls come no sooner than the PUT's {@code Retry-After} asks
 * ("Track asynchronous Azure operations": the seconds to wait before checking the operation's status), and at the poll
 * interval when ARM asks for less; a Retry-After beyond {@link LiveApplier#MAX_POLL_DELAY} waits that long at most.
 * Without a longer Retry-After, each poll waits the interval plus the time since ARM accepted the write, at most the
 * maximum interval (30 s by default).
 */
@Execution(ExecutionMode.CONCURRENT)
class LiveArmReadsTest {
    private static final String SUBSCRIPTION = "5a4b3c2d-0000-4000-8000-0000000003b3";
    private static final Duration POLL = Duration.ofSeconds(2);

    private ArmEmulator arm;
    private Vertx vertx;
    private AgroalDataSource pool;
    private LiveApplier applier;
    private final ObjectMapper mapper = new ObjectMapper().findAndRegisterModules();

    @BeforeEach
    void start() throws Exception {
        // operations that stay in progress for the whole test
        arm = new ArmEmulator(200, 10, Duration.ofMinutes(5)).start();
        vertx = Vertx.vertx();
        Map<String, String> settings = TestConfigs.live(
                arm.endpoint(),
                SUBSCRIPTION,
                Files.writeString(Files.createTempFile("arm-token", ""), "token-" + UUID.randomUUID()));
        settings.put("executor.azure.poll-interval", POLL.toMillis() + "ms");
        ExecutorConfig config = TestConfigs.executor(settings);
        pool = BudgetDatabase.pool(BudgetDatabase.migrated("executor_operation_retry_after"), 2);
        ExecutorConfig.Azure azure = config.azure();
        ArmBudget budget = ArmBudget.of(pool, azure);
        ArmAccounts accounts =
                new ArmAccounts(new AzureClients(config, vertx, mapper, new SimpleMeterRegistry()), budget, config);
        // these plans' bodies hold no placeholders of a route's own, only references to ARM resources
        applier = new LiveApplier(accounts::forPlan, null, mapper, config, route -> RoutePlaceholders.NONE);
    }

    @AfterEach
    void stop() {
        if (pool != null) {
            pool.close();
        }
        arm.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    /** PUTs a Log Analytics workspace, then polls it once; the two outcomes. */
    private List<StepOutcome> putThenPoll(String name) {
        String id = workspaceId(name);
        StepSpec step = workspaceStep(id);
        OnboardingPlan plan = plan(name);
        Instant began = Instant.now();
        StepOutcome put = applier.apply(new StepContext(plan, step, 1, began));
        assertThat(put.kind()).as(put.detail()).isEqualTo(StepOutcome.Kind.WAITING);
        assertThat(put.operation()).as("the operation is remembered").startsWith(id + " ");
        StepOutcome poll = applier.apply(new StepContext(plan, step, 2, began, put.operation()));
        assertThat(poll.kind()).as(poll.detail()).isEqualTo(StepOutcome.Kind.WAITING);
        assertThat(poll.detail()).contains(" is Accepted (provisioning)");
        return List.of(put, poll);
    }

    /** Applies the step until it ends, an attempt every 200 ms for at most 20 s; the final outcome. */
    private StepOutcome applyUntilDone(OnboardingPlan plan, StepSpec step) {
        Instant began = Instant.now();
        AtomicReference<StepOutcome> last = new AtomicReference<>();
        AtomicInteger attempt = new AtomicInteger();
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    String operation = last.get() == null ? null : last.get().operation();
                    StepOutcome outcome =
                            applier.apply(new StepContext(plan, step, attempt.incrementAndGet(), began, operation));
                    last.set(outcome);
                    return outcome.kind() != StepOutcome.Kind.WAITING;
                });
        return last.get();
    }

    private String workspaceId(String name) {
        String group = "/subscriptions/" + SUBSCRIPTION + "/resourceGroups/edge";
        arm.seed(group, Map.of("location", "westeurope"));
        return group + "/providers/Microsoft.OperationalInsights/workspaces/" + name;
    }

    private static StepSpec workspaceStep(String id) {
        return StepSpec.arm(
                "ensure-log-analytics-workspace",
                ArmRequest.put(
                        id,
                        ApiVersions.LOG_ANALYTICS_WORKSPACES,
                        Map.of(
                                "location",
                                "westeurope",
                                "properties",
                                Map.of("sku", Map.of("name", "PerGB2018"), "retentionInDays", 30))));
    }

    private static OnboardingPlan plan(String name) {
        return new OnboardingPlan(
                        UUID.randomUUID().toString(),
                        "corr-" + name,
                        Instant.now(),
                        UUID.randomUUID().toString(),
                        "r1",
                        Route.ARC_K8S,
                        new Target(TargetKind.CLUSTER, name),
                        List.of(),
                        List.of(),
                        List.of(),
                        null,
                        "2026-12-03.1",
                        Map.of())
                .withAzureTarget(new AzureTarget("edge", SUBSCRIPTION, "edge", "westeurope", List.of()));
    }

    private long operationReads() {
        return arm.requests().stream()
                .filter(r -> r.method().equals("GET") && r.path().contains("/operations/"))
                .count();
    }

    private long gets(String resourceId) {
        return arm.requests().stream()
                .filter(r -> r.method().equals("GET") && r.path().equalsIgnoreCase(resourceId))
                .count();
    }

    @Test
    void aResourceGroupEveryPlanEnsuresIsReadOnceWhileItStaysAsAsked() {
        String group = "/subscriptions/" + SUBSCRIPTION + "/resourceGroups/shared-" + UUID.randomUUID();
        arm.seed(group, Map.of("location", "westeurope"));
        StepSpec ensure = StepSpec.arm(
                "ensure-resource-group",
                ArmRequest.put(group, ApiVersions.RESOURCE_GROUPS, Map.of("location", "westeurope")));
        for (String cluster : List.of("plant-1", "plant-2", "plant-3")) {
            StepOutcome outcome = applier.apply(new StepContext(plan(cluster), ensure, 1, Instant.now()));
            assertThat(outcome.kind()).as(outcome.detail()).isEqualTo(StepOutcome.Kind.SUCCEEDED);
            assertThat(outcome.record()).contains("\"present\"");
        }
        assertThat(gets(group)).as("GETs of the shared group").isEqualTo(1);

        // a plan that asks for more than the group had when it was read reads it again, and writes
        StepSpec tagged = StepSpec.arm(
                "ensure-resource-group",
                ArmRequest.put(
                        group,
                        ApiVersions.RESOURCE_GROUPS,
                        Map.of("location", "westeurope", "tags", Map.of("owner", "fleet"))));
        StepOutcome outcome = applier.apply(new StepContext(plan("plant-4"), tagged, 1, Instant.now()));
        assertThat(outcome.kind()).as(outcome.detail()).isEqualTo(StepOutcome.Kind.SUCCEEDED);
        assertThat(outcome.record()).contains("\"updated\"");
        assertThat(gets(group)).isEqualTo(2);
        assertThat(arm.resource(group).orElseThrow().get("tags").toString()).contains("owner=fleet");
    }

    @Test
    void aValueABodyTakesTwiceIsReadOnce() {
        String group = "/subscriptions/" + SUBSCRIPTION + "/resourceGroups/edge";
        arm.seed(group, Map.of("location", "westeurope"));
        String workspace = group + "/providers/Microsoft.OperationalInsights/workspaces/twice";
        arm.seed(workspace, Map.of("location", "westeurope", "properties", Map.of("customerId", "c-0042")));
        String customerId = Placeholders.arm(workspace, ApiVersions.LOG_ANALYTICS_WORKSPACES, "properties.customerId");
        String cluster = group + "/providers/Microsoft.Kubernetes/connectedClusters/twice";
        arm.seed(cluster, Map.of("location", "westeurope", "properties", Map.of()));
        String extension = cluster + "/providers/Microsoft.KubernetesConfiguration/extensions/azuremonitor-containers";
        StepSpec step = StepSpec.arm(
                "extension-azuremonitor-containers",
                ArmRequest.put(
                        extension,
                        ApiVersions.CLUSTER_EXTENSIONS,
                        Map.of(
                                "properties",
                                Map.of(
                                        "extensionType",
                                        "microsoft.azuremonitor.containers",
                                        "configurationProtectedSettings",
                                        Map.of(
                                                "omsagent.secret.wsid",
                                                customerId,
                                                "amalogs.secret.wsid",
                                                customerId)))));
        StepOutcome outcome = applier.apply(new StepContext(plan("twice"), step, 1, Instant.now()));
        assertThat(outcome.kind()).as(outcome.detail()).isIn(StepOutcome.Kind.WAITING, StepOutcome.Kind.SUCCEEDED);
        assertThat(arm.requests())
                .filteredOn(r -> r.method().equals("PUT") && r.path().equalsIgnoreCase(extension))
                .singleElement()
                .satisfies(put -> assertThat(put.body())
                        .contains("\"omsagent.secret.wsid\":\"c-0042\"")
                        .contains("\"amalogs.secret.wsid\":\"c-0042\""));
        assertThat(gets(workspace)).as("GETs of the workspace").isEqualTo(1);
    }

    @Test
    void aProvisioningResourceIsReadInsteadOfItsOperation() {
        arm.provisioningLatency(Duration.ofSeconds(1));
        String id = workspaceId("reads-the-resource");
        StepOutcome done = applyUntilDone(plan("reads-the-resource"), workspaceStep(id));
        assertThat(done.kind()).as(done.detail()).isEqualTo(StepOutcome.Kind.SUCCEEDED);
        assertThat(done.record()).contains("\"created\"");
        assertThat(operationReads()).as("reads of the operation").isZero();
        long resourceReads = arm.requests().stream()
                .filter(r -> r.method().equals("GET") && r.path().endsWith("/workspaces/reads-the-resource"))
                .count();
        // the GET before the PUT, then one per poll: each attempt after the PUT read the resource once
        assertThat(resourceReads).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aFailedProvisioningIsToldWithTheOperationsError() {
        arm.provisioningLatency(Duration.ofSeconds(1));
        arm.failProvisioning("workspaces/ends-failed$");
        String id = workspaceId("ends-failed");
        StepOutcome done = applyUntilDone(plan("ends-failed"), workspaceStep(id));
        assertThat(done.kind()).as(done.detail()).isEqualTo(StepOutcome.Kind.FAILED);
        assertThat(done.detail()).contains(id + " provisioning ended Failed (");
        assertThat(operationReads())
                .as("the operation is read once, for its error")
                .isEqualTo(1);
    }

    @Test
    void anOperationIsPolledNoSoonerThanItsRetryAfter() {
        arm.operationRetryAfter(Duration.ofSeconds(7));
        List<StepOutcome> outcomes = putThenPoll("asks-seven");
        assertThat(outcomes)
                .extracting(StepOutcome::retryAfter)
                .containsExactly(Duration.ofSeconds(7), Duration.ofSeconds(7));
    }

    @Test
    void aRetryAfterShorterThanThePollIntervalWaitsThePollInterval() {
        arm.operationRetryAfter(Duration.ofSeconds(1));
        List<StepOutcome> outcomes = putThenPoll("asks-one");
        assertThat(outcomes.get(0).retryAfter()).isEqualTo(POLL);
        // the poll interval plus the moments the operation has run
        assertThat(outcomes.get(1).retryAfter()).isBetween(POLL, POLL.plusSeconds(1));
    }

    @Test
    void pollsGrowWithTheOperationsAgeUpToTheMaximum() {
        arm.operationRetryAfter(Duration.ofSeconds(1));
        String id = workspaceId("grows");
        StepSpec step = workspaceStep(id);
        OnboardingPlan plan = plan("grows");
        Instant began = Instant.now();
        StepOutcome put = applier.apply(new StepContext(plan, step, 1, began));
        assertThat(put.retryAfter()).as("the first look after the interval").isEqualTo(POLL);
        LiveApplier.PendingOperation pending =
                LiveApplier.PendingOperation.parse(put.operation().substring(id.length() + 1));
        assertThat(pending.acceptedAt()).as("when ARM accepted the PUT").isBetween(began, Instant.now());

        // accepted 20 s ago: the interval plus those 20 s
        StepOutcome after20 = applier.apply(new StepContext(plan, step, 2, began, acceptedAgo(id, pending, 20)));
        assertThat(after20.kind()).as(after20.detail()).isEqualTo(StepOutcome.Kind.WAITING);
        assertThat(after20.retryAfter()).isBetween(POLL.plusSeconds(20), POLL.plusSeconds(21));
        // accepted 10 min ago: the maximum, 30 s by default
        StepOutcome after600 = applier.apply(new StepContext(plan, step, 3, began, acceptedAgo(id, pending, 600)));
        assertThat(after600.retryAfter()).isEqualTo(Duration.ofSeconds(30));

        // an operation remembered before the acceptance time was kept counts from the step's start
        String old =
                id + " " + new LiveApplier.PendingOperation(pending.url(), false, pending.retryAfter(), null).format();
        StepOutcome legacy =
                applier.apply(new StepContext(plan, step, 4, Instant.now().minusSeconds(20), old));
        assertThat(legacy.retryAfter()).isBetween(POLL.plusSeconds(20), POLL.plusSeconds(21));
    }

    @Test
    void aRememberedOperationReadsBackInEachOfItsForms() {
        Instant at = Instant.parse("2026-12-04T02:30:00.123Z");
        String url =
                "https://management.azure.com/subscriptions/s/providers/P/locations/l/operationStatuses/1?api-version=1";
        for (LiveApplier.PendingOperation pending : List.of(
                new LiveApplier.PendingOperation(url, false, null, null),
                new LiveApplier.PendingOperation(url, true, Duration.ofSeconds(7), null),
                new LiveApplier.PendingOperation(url, false, null, at),
                new LiveApplier.PendingOperation(url, true, Duration.ofSeconds(7), at))) {
            assertThat(LiveApplier.PendingOperation.parse(pending.format())).isEqualTo(pending);
        }
        // as steps remembered them before: the URL alone, and an update with its Retry-After
        assertThat(LiveApplier.PendingOperation.parse(url))
                .isEqualTo(new LiveApplier.PendingOperation(url, false, null, null));
        assertThat(LiveApplier.PendingOperation.parse("~" + url + " PT7S"))
                .isEqualTo(new LiveApplier.PendingOperation(url, true, Duration.ofSeconds(7), null));
    }

    /** The step's remembered operation as if ARM had accepted the write {@code seconds} ago. */
    private static String acceptedAgo(String id, LiveApplier.PendingOperation pending, long seconds) {
        return id + " "
                + new LiveApplier.PendingOperation(
                                pending.url(),
                                pending.update(),
                                pending.retryAfter(),
                                Instant.now().minusSeconds(seconds))
                        .format();
    }

    @Test
    void aRetryAfterBeyondTheCapWaitsTheCap() {
        arm.operationRetryAfter(Duration.ofHours(2));
        assertThat(putThenPoll("asks-hours"))
                .extracting(StepOutcome::retryAfter)
                .containsExactly(LiveApplier.MAX_POLL_DELAY, LiveApplier.MAX_POLL_DELAY);
    }
}
