package dev.arcfleet.executor.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arcfleet.contracts.OnboardingPlan;
import dev.arcfleet.contracts.StatusType;
import dev.arcfleet.executor.ExecutionState;
import dev.arcfleet.executor.StepState;
import dev.arcfleet.executor.config.ExecutorConfig;
import dev.arcfleet.executor.kube.ClusterClients;
import dev.arcfleet.executor.persistence.ExecutionEntity;
import dev.arcfleet.executor.persistence.ExecutionStepEntity;
import dev.arcfleet.executor.route.companionvm.CompanionVmSteps;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Keeps companion VMs there (live mode): every {@code executor.companion-vm.reconcile-interval} it lists the companion
 * VMs of each cluster once, and for every succeeded companion VM execution whose VM is gone it reopens the execution
 * at its Secret and VM steps, reporting STARTED with the reason. The step engine then recreates the VM, waits for it
 * and for its machine to be Connected, and reports SUCCEEDED again, so the status timeline shows what happened.
 */
@ApplicationScoped
public class CompanionVmReconciler {
    private static final String FIRST_STEP = "ensure-onboarding-secret";
    private static final String OWN_CLUSTER = "";

    private final ExecutorConfig config;
    private final EntityManager entityManager;
    private final ClusterClients clusters;
    private final StatusPublisher status;
    private final ExecutionWorkers workers;
    private final ObjectMapper mapper;
    private ScheduledExecutorService timer;

    public CompanionVmReconciler(ExecutorConfig config, EntityManager entityManager, ClusterClients clusters,
            StatusPublisher status, ExecutionWorkers workers, ObjectMapper mapper) {
        this.mapper = mapper;
        this.config = config;
        this.entityManager = entityManager;
        this.clusters = clusters;
        this.status = status;
        this.workers = workers;
    }

    void start(@Observes StartupEvent event) {
        if (!"live".equals(config.mode())) {
            return;
        }
        long every = config.companionVm().reconcileInterval().toMillis();
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "companion-vm-reconciler");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::reconcileSafely, every, every, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    private void reconcileSafely() {
        try {
            reconcile();
        } catch (RuntimeException e) {
            Log.errorf(e, "companion VM reconciliation failed; trying again in %s", config.companionVm().reconcileInterval());
        }
    }

    /** A companion VM that should exist; {@code cluster} is null for the executor's own cluster. */
    record Companion(String executionId, String cluster, String vm) {
    }

    /** One pass: returns how many executions it reopened. */
    int reconcile() {
        List<Companion> companions = QuarkusTransaction.requiringNew().call(this::succeededCompanions);
        Map<String, List<Companion>> byCluster = companions.stream().collect(Collectors.groupingBy(
                c -> c.cluster() == null ? OWN_CLUSTER : c.cluster()));
        int reopened = 0;
        for (Map.Entry<String, List<Companion>> cluster : byCluster.entrySet()) {
            Set<String> present;
            try {
                present = clusters.forCluster(OWN_CLUSTER.equals(cluster.getKey()) ? null : cluster.getKey()).genericKubernetesResources("kubevirt.io/v1", "VirtualMachine")
                        .inNamespace(CompanionVmSteps.NAMESPACE).list().getItems().stream()
                        .map(GenericKubernetesResource::getMetadata).map(m -> m.getName()).collect(Collectors.toSet());
            } catch (RuntimeException e) {
                Log.warnf("cannot list companion VMs of cluster %s: %s", cluster.getKey(), e.getMessage());
                continue;
            }
            for (Companion companion : cluster.getValue()) {
                if (!present.contains(companion.vm())) {
                    boolean done = QuarkusTransaction.requiringNew().call(() -> reopen(companion));
                    reopened += done ? 1 : 0;
                }
            }
        }
        return reopened;
    }

    private List<Companion> succeededCompanions() {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager.createNativeQuery("""
                select execution_id, target_id, plan from (
                    select distinct on (plan_id) execution_id, target_id, plan, state from execution
                    where route = 'COMPANION_VM' and mode = 'live'
                    order by plan_id, created_at desc) latest
                where state = 'SUCCEEDED'""").getResultList();
        return rows.stream().map(r -> new Companion((String) r[0], clusterId((String) r[1], (String) r[2]),
                CompanionVmSteps.vmName((String) r[1]))).toList();
    }

    /** The cluster the plan's Kubernetes objects went to, exactly as the step engine chose it. */
    private String clusterId(String nodeId, String planJson) {
        try {
            return new StepContext(mapper.readValue(planJson, OnboardingPlan.class), null, 0, null).clusterId();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored plan of " + nodeId + " is unreadable", e);
        }
    }

    private boolean reopen(Companion companion) {
        ExecutionEntity execution = entityManager.find(ExecutionEntity.class, companion.executionId(),
                LockModeType.PESSIMISTIC_WRITE);
        if (execution == null || execution.state != ExecutionState.SUCCEEDED) {
            return false;
        }
        int from = execution.steps.stream().filter(s -> FIRST_STEP.equals(s.name)).mapToInt(s -> s.idx).findFirst()
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
        String reason = "VirtualMachine " + CompanionVmSteps.NAMESPACE + "/" + companion.vm() + " is gone from cluster "
                + companion.cluster() + "; recreating it";
        status.publish(execution, StatusType.STARTED, FIRST_STEP, reason);
        workers.wakeUpAfterCommit();
        Log.warnf("plan %s correlation %s: %s", execution.planId, execution.correlationId, reason);
        return true;
    }
}
