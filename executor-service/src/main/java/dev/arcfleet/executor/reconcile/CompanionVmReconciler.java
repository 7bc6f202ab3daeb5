package dev.arcfleet.executor.reconcile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arcfleet.contracts.OnboardingPlan;
import dev.arcfleet.contracts.StatusType;
import dev.arcfleet.executor.apply.StepContext;
import dev.arcfleet.executor.azure.ArmAccounts;
import dev.arcfleet.executor.azure.ArmResource;
import dev.arcfleet.executor.config.ExecutorConfig;
import dev.arcfleet.executor.config.ExecutorMode;
import dev.arcfleet.executor.engine.ExecutionState;
import dev.arcfleet.executor.engine.StepState;
import dev.arcfleet.executor.execution.ExecutionEntity;
import dev.arcfleet.executor.execution.ExecutionStepEntity;
import dev.arcfleet.executor.execution.ExecutionWorkers;
import dev.arcfleet.executor.execution.StatusPublisher;
import dev.arcfleet.executor.execution.StepPlans;
import dev.arcfleet.executor.kube.ClusterClients;
import dev.arcfleet.executor.kube.KubeApplier;
import dev.arcfleet.executor.route.ApiVersions;
import dev.arcfleet.executor.route.KubeObject;
import dev.arcfleet.executor.route.StepSpec;
import dev.arcfleet.executor.route.companionvm.CompanionVmSteps;
import dev.arcfleet.support.log.LogSafe;
import dev.arcfleet.support.retry.RetryPolicy;
import dev.arcfleet.support.worker.ManagedWorker;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * Keeps companion VMs as their plans say (live mode): every {@code executor.companion-vm.reconcile-interval} it lists
 * the companion VMs of each cluster once, and for every succeeded companion VM execution whose VM is gone, whose spec
 * no longer has what its plan states (changed by hand), that is not ready any more, or whose Arc machine is
 * {@code Disconnected}, in {@code Error} or gone from Azure (one list of the resource group's machines per pass, not a
 * read per machine), it reopens the execution at its Secret and VM steps, reporting STARTED with the reason. The step engine then applies the VM again, waits for it to be
 * ready and for its machine to be Connected (or fails with the reason after the steps' timeouts), and reports the
 * outcome, so the status timeline shows what happened. A companion whose plan has an offboarding (under way or done)
 * is retired: it is never reconciled, so its VM is not recreated.
 */
@ApplicationScoped
public class CompanionVmReconciler {
    private static final String FIRST_STEP = "ensure-onboarding-secret";
    private static final String OWN_CLUSTER = "";
    private static final String APPLY_STEP = "apply-companion-vm";
    private static final String MACHINE_STEP = "await-machine-connected";
    /** Machine statuses that need the companion again (Microsoft.HybridCompute/machines {@code properties.status}). */
    private static final Set<String> UNHEALTHY = Set.of("disconnected", "error");

    private final ExecutorConfig config;
    private final EntityManager entityManager;
    private final ClusterClients clusters;
    private final StatusPublisher status;
    private final ExecutionWorkers workers;
    private final ObjectMapper mapper;
    private final StepPlans stepPlans;
    private final ArmAccounts arms;
    private ManagedWorker worker;

    public CompanionVmReconciler(
            ExecutorConfig config,
            EntityManager entityManager,
            ClusterClients clusters,
            StatusPublisher status,
            ExecutionWorkers workers,
            ObjectMapper mapper,
            StepPlans stepPlans,
            ArmAccounts arms) {
        this.arms = arms;
        this.mapper = mapper;
        this.stepPlans = stepPlans;
        this.config = config;
        this.entityManager = entityManager;
        this.clusters = clusters;
        this.status = status;
        this.workers = workers;
    }

    void start(@Observes StartupEvent event) {
        if (config.mode() != ExecutorMode.LIVE) {
            return;
        }
        Duration every = config.companionVm().reconcileInterval();
        AtomicBoolean firstTurn = new AtomicBoolean(true);
        worker = ManagedWorker.named("companion-vm-reconciler")
                .idleWait(every)
                .onFailure(RetryPolicy.exponential(every, every))
                .interruptOnStop(true)
                .build(() -> {
                    if (!firstTurn.getAndSet(false)) {
                        reconcile(); // the first pass comes one interval after the start, as every later one
                    }
                    return false;
                });
        worker.start();
    }

    void stop(@Observes ShutdownEvent event) {
        if (worker != null) {
            worker.stop();
        }
    }

    /** A companion VM that should exist; {@code cluster} is null for the executor's own cluster. */
    record Companion(String executionId, String cluster, String vm, OnboardingPlan plan) {}

    /** One pass: returns how many executions it reopened. */
    int reconcile() {
        List<Companion> companions = QuarkusTransaction.requiringNew().call(this::succeededCompanions);
        Map<String, List<Companion>> byCluster = companions.stream()
                .collect(Collectors.groupingBy(c -> c.cluster() == null ? OWN_CLUSTER : c.cluster()));
        int reopened = 0;
        List<Companion> vmsAsPlanned = new ArrayList<>();
        for (Map.Entry<String, List<Companion>> cluster : byCluster.entrySet()) {
            Map<String, GenericKubernetesResource> present;
            KubernetesClient client;
            try {
                client = clusters.forCluster(OWN_CLUSTER.equals(cluster.getKey()) ? null : cluster.getKey());
                present = client
                        .genericKubernetesResources("kubevirt.io/v1", "VirtualMachine")
                        .inNamespace(CompanionVmSteps.NAMESPACE)
                        .list()
                        .getItems()
                        .stream()
                        .collect(Collectors.toMap(r -> r.getMetadata().getName(), r -> r, (a, b) -> a));
            } catch (RuntimeException e) {
                Log.warnf(
                        "cannot list companion VMs of cluster %s: %s",
                        LogSafe.of(cluster.getKey()), LogSafe.of(e.getMessage()));
                continue;
            }
            for (Companion companion : cluster.getValue()) {
                String drift = drift(client, companion, present.get(companion.vm()));
                if (drift != null) {
                    boolean done = QuarkusTransaction.requiringNew().call(() -> reopen(companion, drift));
                    reopened += done ? 1 : 0;
                } else {
                    vmsAsPlanned.add(companion);
                }
            }
        }
        for (Map.Entry<Companion, String> drifted : machineDrift(vmsAsPlanned).entrySet()) {
            boolean done = QuarkusTransaction.requiringNew().call(() -> reopen(drifted.getKey(), drifted.getValue()));
            reopened += done ? 1 : 0;
        }
        return reopened;
    }

    /**
     * Companions whose VM is as planned but whose Arc machine is not well, with the reason: one list call per resource
     * group holding their machines. A group that cannot be listed is skipped this pass (logged), never reopened blindly.
     */
    Map<Companion, String> machineDrift(List<Companion> companions) {
        Map<String, List<Companion>> byGroup = new HashMap<>();
        Map<Companion, String> machineIds = new HashMap<>();
        for (Companion companion : companions) {
            String machineId = machineId(companion);
            if (machineId != null) {
                machineIds.put(companion, machineId);
                byGroup.computeIfAbsent(machineId.substring(0, machineId.lastIndexOf('/')), k -> new ArrayList<>())
                        .add(companion);
            }
        }
        Map<Companion, String> drifted = new HashMap<>();
        for (Map.Entry<String, List<Companion>> group : byGroup.entrySet()) {
            Map<String, ArmResource> machines = new HashMap<>();
            try {
                // its lists are reads of the same shared budget as the workers' (a spent one skips a pass), in the
                // group's subscription with the credential of one of its plans
                var arm = arms.forPlan(group.getValue().get(0).plan());
                for (ArmResource machine : arm.list(group.getKey(), ApiVersions.HYBRID_MACHINES)) {
                    machines.put(machine.id().toLowerCase(Locale.ROOT), machine);
                }
            } catch (RuntimeException e) {
                Log.warnf("cannot list the Arc machines of %s: %s", group.getKey(), e.getMessage());
                continue;
            }
            for (Companion companion : group.getValue()) {
                String id = machineIds.get(companion);
                String name = id.substring(id.lastIndexOf('/') + 1);
                ArmResource machine = machines.get(id.toLowerCase(Locale.ROOT));
                if (machine == null) {
                    drifted.put(
                            companion,
                            "Arc machine " + name + " of VirtualMachine " + CompanionVmSteps.NAMESPACE + "/"
                                    + companion.vm()
                                    + " is gone from Azure; running its steps again and waiting for it");
                    continue;
                }
                Object status = machine.properties().get("status");
                if (status != null && UNHEALTHY.contains(status.toString().toLowerCase(Locale.ROOT))) {
                    Object since = machine.properties().get("lastStatusChange");
                    drifted.put(
                            companion,
                            "Arc machine " + name + " is " + status + (since == null ? "" : " since " + since)
                                    + " while VirtualMachine " + CompanionVmSteps.NAMESPACE + "/" + companion.vm()
                                    + " runs; applying it again and waiting for the machine to connect");
                }
            }
        }
        return drifted;
    }

    /** The Arc machine the plan's steps wait for, or null for a plan without that step. */
    private String machineId(Companion companion) {
        return stepPlans.stepsOf(companion.plan()).stream()
                .filter(s -> MACHINE_STEP.equals(s.name()))
                .map(StepSpec::waitFor)
                .filter(w -> w != null && !w.kubernetes())
                .map(w -> w.resource())
                .findFirst()
                .orElse(null);
    }

    private List<Companion> succeededCompanions() {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager.createNativeQuery("""
                select execution_id, target_id, plan from (
                    select distinct on (plan_id) execution_id, target_id, plan, state, action from execution
                    where route = 'COMPANION_VM' and mode = 'live'
                    order by plan_id, created_at desc) latest
                where state = 'SUCCEEDED' and action = 'ONBOARD'""").getResultList();
        return rows.stream()
                .map(r -> {
                    OnboardingPlan plan = plan((String) r[1], (String) r[2]);
                    return new Companion(
                            (String) r[0],
                            new StepContext(plan, null, 0, null).clusterId(),
                            CompanionVmSteps.vmName((String) r[1]),
                            plan);
                })
                .toList();
    }

    private OnboardingPlan plan(String nodeId, String planJson) {
        try {
            return mapper.readValue(planJson, OnboardingPlan.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored plan of " + nodeId + " is unreadable", e);
        }
    }

    /** Why the companion VM needs its steps again, or null when it is as its plan says. */
    String drift(KubernetesClient client, Companion companion, GenericKubernetesResource vm) {
        String where = "VirtualMachine " + CompanionVmSteps.NAMESPACE + "/" + companion.vm();
        if (vm == null) {
            return where + " is gone from cluster " + companion.cluster() + "; recreating it";
        }
        KubeObject desired = stepPlans.stepsOf(companion.plan()).stream()
                .filter(s -> APPLY_STEP.equals(s.name()))
                .flatMap(s -> s.kube().stream())
                .findFirst()
                .orElse(null);
        if (desired != null
                && !KubeApplier.sameContent(
                        vm,
                        client.getKubernetesSerialization()
                                .convertValue(desired.manifest(), GenericKubernetesResource.class))) {
            return where + " in cluster " + companion.cluster() + " no longer matches its plan (changed by hand?); "
                    + "applying it again";
        }
        Object status = vm.getAdditionalProperties().get("status");
        if (!(status instanceof Map<?, ?> s) || !Boolean.TRUE.equals(s.get("ready"))) {
            Object printable = status instanceof Map<?, ?> m ? m.get("printableStatus") : null;
            return where + " in cluster " + companion.cluster() + " is not ready (" + printable
                    + "); waiting for it and" + " its machine again";
        }
        return null;
    }

    /**
     * Whether the node's companion is being or has been offboarded: its VM is never recreated then. Asked under the
     * onboarding execution's row lock, which an arriving offboarding takes too, so the two cannot pass each other.
     */
    private boolean retired(String planId) {
        Number offboardings = (Number) entityManager
                .createNativeQuery("select count(*) from execution where plan_id = :planId and action = 'OFFBOARD'")
                .setParameter("planId", planId)
                .getSingleResult();
        return offboardings.longValue() > 0;
    }

    private boolean reopen(Companion companion, String reason) {
        ExecutionEntity execution =
                entityManager.find(ExecutionEntity.class, companion.executionId(), LockModeType.PESSIMISTIC_WRITE);
        if (execution == null || execution.state != ExecutionState.SUCCEEDED || retired(execution.planId)) {
            return false;
        }
        int from = execution.steps.stream()
                .filter(s -> FIRST_STEP.equals(s.name))
                .mapToInt(s -> s.idx)
                .findFirst()
                .orElse(0);
        for (ExecutionStepEntity step : execution.steps) {
            if (step.idx >= from) {
                step.state = StepState.PENDING;
                step.attempts = 0;
                step.startedAt = null;
                step.finishedAt = null;
                step.operation = null;
            }
        }
        Instant now = Instant.now();
        execution.state = ExecutionState.RUNNING;
        execution.currentStep = from;
        execution.attempt = 0;
        execution.finishedAt = null;
        execution.nextRunAt = now;
        execution.updatedAt = now;
        status.publish(execution, StatusType.STARTED, FIRST_STEP, reason);
        workers.wakeUpAfterCommit();
        Log.warnf(
                "plan %s correlation %s: %s",
                LogSafe.of(execution.planId), LogSafe.of(execution.correlationId), LogSafe.of(reason));
        return true;
    }
}
