package dev.arcfleet.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arcfleet.contracts.Capability;
import dev.arcfleet.contracts.OnboardingPlan;
import dev.arcfleet.contracts.Route;
import dev.arcfleet.contracts.Target;
import dev.arcfleet.contracts.TargetKind;
import dev.arcfleet.local.stack.ServiceProcess;
import dev.arcfleet.testsupport.arm.ArmEmulator;
import dev.arcfleet.testsupport.kube.FleetSimulator;
import dev.arcfleet.testsupport.kube.MockClusters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Three packaged executors in live mode, one database and one consumer group, against the ARM emulator with one
 * subscription and one principal whose write bucket is small: they share one write budget, so ARM never refuses a
 * write, and every plan is carried out once, by whichever process claimed it.
 */
class ExecutorReplicasIT {
    static final String SUBSCRIPTION = "8d0f6a2c-4b1e-4e9a-9c3d-7f2b5a6e1d04";
    static final int PLANS = 30;
    /** ARM's write bucket for the principal in the emulator. */
    static final int ARM_BURST = 20;

    static final double ARM_PER_SECOND = 5;
    /** The executors' shared write budget: ARM's rate, and a burst 5 below ARM's as headroom (see the assertion). */
    static final int BUDGET_BURST = 15;

    final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        // the executors together (each stop waits out its Kafka consumers' grace), then the rest in reverse order
        ServiceProcess.closeAll(resources.stream()
                .filter(ServiceProcess.class::isInstance)
                .map(ServiceProcess.class::cast)
                .toList());
        for (int i = resources.size() - 1; i >= 0; i--) {
            if (!(resources.get(i) instanceof ServiceProcess)) {
                resources.get(i).close();
            }
        }
    }

    @Test
    void threeExecutorProcessesStayInsideOneBucketAndFinishEveryPlanOnce() throws Exception {
        String run = "replicas" + UUID.randomUUID().toString().substring(0, 6);
        Path dir = Files.createTempDirectory("executor-replicas");
        List<String> clusterIds =
                IntStream.range(0, PLANS).mapToObj(i -> run + "-" + i).toList();
        ArmEmulator arm = keep(new ArmEmulator(ARM_BURST, ARM_PER_SECOND, Duration.ofMillis(500)).start());
        arm.operationRetryAfter(Duration.ZERO); // operations end in 500 ms: polled at the executors' 300 ms
        MockClusters clusters = keep(MockClusters.start(dir.resolve("kubeconfigs"), clusterIds));
        keep(new FleetSimulator(arm, clusters).start());
        Map<String, String> env = LiveExecutors.env(arm, clusters, dir, "executor_replicas", SUBSCRIPTION, run);
        env.put("EXECUTOR_AZURE_WRITE_BURST", Integer.toString(BUDGET_BURST));
        env.put("EXECUTOR_AZURE_WRITES_PER_SECOND", Double.toString(ARM_PER_SECOND));
        // no process is killed here: a lease long enough that a slow step on a busy machine is not taken over
        env.put("EXECUTOR_LEASE", "2m");
        LiveExecutors.createTopics();

        // started side by side; on a busy machine three JVMs starting at once take a while
        List<CompletableFuture<ServiceProcess>> starting = IntStream.range(0, 3)
                .mapToObj(i -> CompletableFuture.supplyAsync(() -> LiveExecutors.start(env, Duration.ofSeconds(240))))
                .toList();
        List<ServiceProcess> executors = new ArrayList<>();
        RuntimeException failed = null;
        for (CompletableFuture<ServiceProcess> s : starting) {
            try {
                executors.add(keep(s.join()));
            } catch (RuntimeException e) {
                failed = e;
            }
        }
        if (failed != null) {
            throw failed;
        }

        List<OnboardingPlan> plans = new ArrayList<>();
        for (String cluster : clusterIds) {
            plans.add(LiveExecutors.plan(
                    Route.ARC_K8S,
                    new Target(TargetKind.CLUSTER, cluster),
                    List.of(Capability.MONITOR, Capability.GITOPS),
                    Map.of("distribution", "k3s"),
                    "replicas-test"));
        }
        long began = System.nanoTime();
        LiveExecutors.publish(plans);
        ServiceProcess any = executors.get(0);
        await().atMost(Duration.ofSeconds(300))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> {
                    for (OnboardingPlan plan : plans) {
                        JsonNode view = LiveExecutors.execution(any, plan.planId());
                        assertThat(view.path("state").asText())
                                .as(plan.target().id() + ": " + view)
                                .isEqualTo("SUCCEEDED");
                    }
                });
        Duration took = Duration.ofNanos(System.nanoTime() - began);

        // every plan once: one revision each, and the three processes together report 30 successes, no other end
        for (OnboardingPlan plan : plans) {
            assertThat(LiveExecutors.execution(any, plan.planId())
                            .path("revisions")
                            .size())
                    .isEqualTo(1);
        }
        List<Integer> succeededBy = new ArrayList<>();
        for (ServiceProcess executor : executors) {
            succeededBy.add(
                    (int) LiveExecutors.metric(executor, "fleet_executions_transitions_total", "state=\"SUCCEEDED\""));
            assertThat(LiveExecutors.metric(executor, "fleet_executions_transitions_total", "state=\"FAILED\""))
                    .isZero();
        }
        assertThat(succeededBy.stream().mapToInt(Integer::intValue).sum()).isEqualTo(PLANS);
        assertThat(succeededBy)
                .as("executions finished per process: the work was spread")
                .filteredOn(n -> n > 0)
                .hasSizeGreaterThan(1);
        // each resource created once: the resource group, the workspace, and per cluster the connected cluster, two
        // extensions, container insights' data collection rule and its association
        Map<String, Integer> created = new HashMap<>();
        arm.creations().forEach((id, n) -> {
            if (id.contains(run)) {
                created.put(id, n);
            }
        });
        assertThat(created)
                .hasSize(2 + PLANS * 5)
                .allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1));

        // inside the one bucket. The emulator answers 429 as soon as the principal's bucket (20, refilled at 5/s) is
        // empty: none at all means the three processes together never wrote faster than that bucket allows, and the
        // writes it counts in any wall-clock second are then at most its burst plus one second's refill (25). The
        // shared budget (15, 5/s) keeps 5 writes of headroom for a write that reaches ARM later than its reserved slot.
        assertThat(arm.throttled()).as("429s").isZero();
        assertThat(arm.rejected()).as("requests refused").isZero();
        SortedMap<Long, Integer> perSecond = arm.passedPerSecond(ArmEmulator.Kind.WRITE);
        assertThat(perSecond.values())
                .as("writes per wall-clock second")
                .allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(ARM_BURST + (int) ARM_PER_SECOND));
        int writes = perSecond.values().stream().mapToInt(Integer::intValue).sum();
        assertThat(writes).isGreaterThanOrEqualTo(created.size());
        // the budget paced them: past its burst of 15, one write per 200 ms at most, so they span at least this long
        long seconds = perSecond.lastKey() - perSecond.firstKey() + 1;
        assertThat(seconds).isGreaterThanOrEqualTo((long) ((writes - BUDGET_BURST) / ARM_PER_SECOND));
        System.out.printf(
                "executor replicas: %d plans SUCCEEDED in %.1f s by 3 processes (%s), %d writes over %d s, "
                        + "at most %d in a second, 0 x 429%n",
                PLANS,
                took.toMillis() / 1000.0,
                succeededBy,
                writes,
                seconds,
                perSecond.values().stream().mapToInt(Integer::intValue).max().orElse(0));
    }

    private <T extends AutoCloseable> T keep(T resource) {
        resources.add(resource);
        return resource;
    }
}
