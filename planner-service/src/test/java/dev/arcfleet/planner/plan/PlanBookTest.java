package dev.arcfleet.planner.plan;

import static dev.arcfleet.contracts.Capability.DEFENDER;
import static dev.arcfleet.contracts.Capability.EDGE_DATA;
import static dev.arcfleet.contracts.Capability.EXTENSIONS;
import static dev.arcfleet.contracts.Capability.GITOPS;
import static dev.arcfleet.contracts.Capability.GUEST_CONFIGURATION;
import static dev.arcfleet.contracts.Capability.INVENTORY;
import static dev.arcfleet.contracts.Capability.MACHINE_IDENTITY;
import static dev.arcfleet.contracts.Capability.MONITOR;
import static dev.arcfleet.contracts.Capability.POLICY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.arcfleet.contracts.Capability;
import dev.arcfleet.contracts.CapabilitySet;
import dev.arcfleet.contracts.Decision;
import dev.arcfleet.contracts.NodeFacts;
import dev.arcfleet.contracts.Route;
import dev.arcfleet.contracts.StatusType;
import dev.arcfleet.contracts.Target;
import dev.arcfleet.contracts.TargetKind;
import dev.arcfleet.planner.decide.Facts;
import dev.arcfleet.planner.decide.Policy;
import dev.arcfleet.planner.plan.PlanBook.Changes;
import dev.arcfleet.planner.plan.PlanBook.Notice;
import dev.arcfleet.planner.plan.PlanBook.Plan;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The plan rules one by one, over plain values: {@link #store} plays the plan table, {@link #decide} the planner
 * writing back what the book returns.
 */
class PlanBookTest {
    static final Target CLUSTER = new Target(TargetKind.CLUSTER, "ghent-line3");
    static final String ARC = PlanIds.planId(Route.ARC_K8S, CLUSTER);
    static final String IOT = PlanIds.planId(Route.IOT_OPERATIONS, CLUSTER);

    final Map<String, Plan> store = new HashMap<>();
    final Map<String, String> nodePlans = new HashMap<>();

    @Test
    void aClusterPlanMergesItsNodesCapabilitiesAndKeepsEachParametersFirstValue() {
        Changes first = decide(Route.ARC_K8S, CLUSTER, node("ghent-line3/n1", "ghent"), POLICY, MONITOR, EXTENSIONS);
        Changes second =
                decide(Route.ARC_K8S, CLUSTER, node("ghent-line3/n2", "ghent-annex"), GITOPS, DEFENDER, INVENTORY);

        Plan arc = store.get(ARC);
        assertThat(arc.capabilities()).containsExactlyInAnyOrder(POLICY, MONITOR, GITOPS, DEFENDER, INVENTORY);
        assertThat(arc.capabilities()).doesNotContain(EXTENSIONS);
        assertThat(arc.parameters())
                .containsEntry("clusterId", "ghent-line3")
                .containsEntry("distribution", "k3s")
                .containsEntry("site", "ghent");
        assertThat(arc.members()).isEqualTo(2);
        assertThat(first.decision().planId())
                .isEqualTo(ARC)
                .isEqualTo(second.decision().planId());
        assertThat(first.publications())
                .singleElement()
                .satisfies(p -> assertThat(p.nodeIds()).containsExactly("ghent-line3/n1"));
        assertThat(second.publications()).singleElement().satisfies(p -> {
            assertThat(p.plan().revision()).isNotEqualTo(first.plan(ARC).revision());
            assertThat(p.nodeIds()).containsExactly("ghent-line3/n2");
        });
    }

    @Test
    void aReplayKeepsTheRevisionAndPublishesNothing() {
        NodeFacts facts = node("ghent-line3/n1", "ghent");
        Changes first = decide(Route.ARC_K8S, CLUSTER, facts, POLICY, MONITOR);
        Changes replay = decide(Route.ARC_K8S, CLUSTER, facts, POLICY, MONITOR);

        assertThat(replay.plan(ARC).revision()).isEqualTo(first.plan(ARC).revision());
        assertThat(replay.plan(ARC).state()).isEqualTo(PlanState.PUBLISHED);
        assertThat(replay.plan(ARC).members()).isEqualTo(1);
        assertThat(replay.publications()).isEmpty();
        assertThat(replay.notices()).isEmpty();
    }

    @Test
    void aLateOutcomeOfARevisionANewerOneReplacedChangesNothing() {
        decide(Route.IOT_OPERATIONS, CLUSTER, node("ghent-line3/gw-07", "ghent"), EDGE_DATA);
        String first = store.get(ARC).publishedRevision();
        status(ARC, first, StatusType.STARTED, 1, "connecting");
        // a new capability: the Arc plan's next revision goes out while the first one's execution still runs
        decide(Route.IOT_OPERATIONS, CLUSTER, node("ghent-line3/gw-08", "ghent"), EDGE_DATA, GITOPS);
        String second = store.get(ARC).publishedRevision();
        assertThat(second).isNotEqualTo(first);

        // the first revision's SUCCEEDED arrives late: it says nothing of the second one's run
        Changes late = status(ARC, first, StatusType.SUCCEEDED, 7, "connected");
        assertThat(late.plans()).isEmpty();
        assertThat(late.publications()).isEmpty();
        assertThat(store.get(ARC).executionState()).isNotEqualTo("SUCCEEDED");
        assertThat(store.get(IOT).state()).isEqualTo(PlanState.WAITING);

        // the second revision's SUCCEEDED releases the waiting IoT Operations plan
        Changes succeeded = status(ARC, second, StatusType.SUCCEEDED, 12, "connected");
        assertThat(succeeded.plan(ARC).executionState()).isEqualTo("SUCCEEDED");
        assertThat(succeeded.publications()).extracting(p -> p.plan().planId()).containsExactly(IOT);
    }

    @Test
    void aNewCapabilityGivesANewRevisionThatIsPublished() {
        decide(Route.ARC_K8S, CLUSTER, node("ghent-line3/n1", "ghent"), POLICY);
        String before = store.get(ARC).revision();

        Changes grown = decide(Route.ARC_K8S, CLUSTER, node("ghent-line3/n1", "ghent"), POLICY, GITOPS);

        assertThat(grown.plan(ARC).revision()).isNotEqualTo(before);
        assertThat(grown.publications()).singleElement().satisfies(p -> {
            assertThat(p.plan().capabilities()).containsExactlyInAnyOrder(POLICY, GITOPS);
            assertThat(p.plan().publishedRevision()).isEqualTo(p.plan().revision());
        });
        assertThat(store.get(ARC).capabilities()).containsExactlyInAnyOrder(POLICY, GITOPS);
    }

    @Test
    void anIotOperationsPlanWaitsForItsClustersArcPlanWhichCarriesEdgeData() {
        Changes changes =
                decide(Route.IOT_OPERATIONS, CLUSTER, node("ghent-line3/gw-07", "ghent"), POLICY, MONITOR, EDGE_DATA);

        assertThat(changes.decision().planId()).isEqualTo(IOT);
        assertThat(changes.decision().dependsOn()).containsExactly(ARC);
        assertThat(changes.plan(ARC).capabilities()).containsExactlyInAnyOrder(POLICY, MONITOR, EDGE_DATA);
        assertThat(changes.publications()).extracting(p -> p.plan().planId()).containsExactly(ARC);
        assertThat(changes.waiting()).singleElement().satisfies(iot -> {
            assertThat(iot.planId()).isEqualTo(IOT);
            assertThat(iot.dependsOn()).isEqualTo(ARC);
            assertThat(iot.capabilities()).containsExactly(EDGE_DATA);
            assertThat(iot.publishedRevision()).isNull();
        });
        // the IoT plan counts the node; the Arc plan it needs does not
        assertThat(store.get(IOT).members()).isEqualTo(1);
        assertThat(store.get(ARC).members()).isZero();
    }

    @Test
    void theArcPlanSucceedingReleasesTheWaitingIotPlan() {
        decide(Route.IOT_OPERATIONS, CLUSTER, node("ghent-line3/gw-07", "ghent"), EDGE_DATA);

        Changes started = status(ARC, StatusType.STARTED, 1, "connecting");
        assertThat(started.plan(ARC).executionState()).isEqualTo("IN_PROGRESS");
        assertThat(started.publications()).isEmpty();
        Changes succeeded = status(ARC, StatusType.SUCCEEDED, 7, "connected");

        assertThat(succeeded.plan(ARC).executionState()).isEqualTo("SUCCEEDED");
        assertThat(succeeded.publications()).singleElement().satisfies(p -> {
            assertThat(p.plan().planId()).isEqualTo(IOT);
            assertThat(p.plan().state()).isEqualTo(PlanState.PUBLISHED);
            assertThat(p.plan().publishedRevision()).isEqualTo(p.plan().revision());
            assertThat(p.nodeIds()).isEmpty();
        });
        assertThat(store.get(IOT).state()).isEqualTo(PlanState.PUBLISHED);
        // once the Arc plan succeeded, the next IoT node's revision goes out at once
        Changes next =
                decide(Route.IOT_OPERATIONS, CLUSTER, node("ghent-line3/gw-08", "ghent-annex"), EDGE_DATA, POLICY);
        assertThat(next.waiting()).isEmpty();
        assertThat(next.publications()).extracting(p -> p.plan().planId()).containsExactly(ARC);
    }

    @Test
    void theArcPlanFailingReportsTheWaitingIotPlanFailedWithTheReasonAndKeepsItWaiting() {
        decide(Route.IOT_OPERATIONS, CLUSTER, node("ghent-line3/gw-07", "ghent"), EDGE_DATA);

        Changes failed = status(ARC, StatusType.FAILED, 3, "ARM 403 on connectedClusters");

        assertThat(failed.plan(ARC).executionState()).isEqualTo("FAILED");
        assertThat(failed.publications()).isEmpty();
        assertThat(failed.notices()).singleElement().satisfies(n -> {
            assertThat(n.plan().planId()).isEqualTo(IOT);
            assertThat(n.type()).isEqualTo(StatusType.FAILED);
            assertThat(n.detail()).contains(ARC, "ghent-line3", "ARM 403 on connectedClusters");
        });
        assertThat(store.get(IOT).state()).isEqualTo(PlanState.WAITING);
        // a retry that succeeds still releases it
        assertThat(status(ARC, StatusType.SUCCEEDED, 9, "connected").publications())
                .extracting(p -> p.plan().planId())
                .containsExactly(IOT);
    }

    @Test
    void aStatusNoNewerThanTheLastOneSeenChangesNothing() {
        decide(Route.IOT_OPERATIONS, CLUSTER, node("ghent-line3/gw-07", "ghent"), EDGE_DATA);
        status(ARC, StatusType.FAILED, 5, "failed");

        Changes stale = status(ARC, StatusType.SUCCEEDED, 5, "replayed");

        assertThat(stale.plans()).isEmpty();
        assertThat(stale.publications()).isEmpty();
        assertThat(store.get(ARC).executionState()).isEqualTo("FAILED");
        assertThat(store.get(IOT).state()).isEqualTo(PlanState.WAITING);
    }

    @Test
    void aNodePlanLeftByARouteChangeIsSupersededAndPublishedAgainWhenTheNodeComesBack() {
        Target node = new Target(TargetKind.NODE, "ghent-line3/n1");
        String vm = PlanIds.planId(Route.COMPANION_VM, node);
        NodeFacts facts = node("ghent-line3/n1", "ghent");
        decide(Route.COMPANION_VM, node, facts, EXTENSIONS, GUEST_CONFIGURATION, MACHINE_IDENTITY);
        assertThat(store.get(vm).parameters())
                .containsEntry("hostNode", "n1")
                .containsEntry("nodeId", "ghent-line3/n1");

        Changes moved = decide(Route.ARC_K8S, CLUSTER, facts, POLICY);

        assertThat(moved.move()).isEqualTo(new PlanBook.Move("ghent-line3/n1", vm, ARC));
        assertThat(moved.superseded()).extracting(Plan::planId).containsExactly(vm);
        assertThat(moved.notices()).singleElement().satisfies(n -> {
            assertThat(n.type()).isEqualTo(StatusType.SUPERSEDED);
            assertThat(n.detail()).contains("route changed", ARC);
        });
        assertThat(store.get(vm).state()).isEqualTo(PlanState.SUPERSEDED);
        assertThat(store.get(vm).members()).isZero();
        assertThat(store.get(ARC).members()).isEqualTo(1);

        Changes back = decide(Route.COMPANION_VM, node, facts, EXTENSIONS, GUEST_CONFIGURATION, MACHINE_IDENTITY);
        assertThat(back.publications()).extracting(p -> p.plan().planId()).containsExactly(vm);
        assertThat(store.get(vm).state()).isEqualTo(PlanState.PUBLISHED);
        assertThat(store.get(ARC).members()).isZero();
        // a cluster plan stays, whoever leaves it
        assertThat(store.get(ARC).state()).isEqualTo(PlanState.PUBLISHED);
        assertThat(back.superseded()).isEmpty();
    }

    @Test
    void aRetiredNodesPlanIsSuperseded() {
        Target node = new Target(TargetKind.NODE, "ghent-line3/n1");
        String vm = PlanIds.planId(Route.COMPANION_VM, node);
        NodeFacts facts = node("ghent-line3/n1", "ghent");
        decide(Route.COMPANION_VM, node, facts, EXTENSIONS);

        Changes retired = retire(facts, false, List.of(Policy.AUTO_APPROVE_ALL));

        assertThat(retired.move()).isEqualTo(new PlanBook.Move("ghent-line3/n1", vm, null));
        assertThat(retired.superseded()).extracting(Plan::planId).containsExactly(vm);
        assertThat(retired.notices())
                .singleElement()
                .satisfies(n -> assertThat(n.detail()).doesNotContain("now plan"));
        assertThat(retired.plan(vm).members()).isZero();
    }

    @Test
    void retiringOneOfTwoNodesOffboardsNothingAndTheLastOffboardsTheClustersPlansIotFirst() {
        NodeFacts n1 = node("ghent-line3/n1", "ghent");
        NodeFacts n2 = node("ghent-line3/n2", "ghent");
        decide(Route.IOT_OPERATIONS, CLUSTER, n1, POLICY, EDGE_DATA);
        status(ARC, StatusType.SUCCEEDED, 1, "done");
        decide(Route.ARC_K8S, CLUSTER, n2, POLICY, MONITOR);
        String arcOnboarded = store.get(ARC).publishedRevision();
        String iotOnboarded = store.get(IOT).publishedRevision();

        Changes first = retire(n2, false, List.of(Policy.AUTO_APPROVE_ALL));
        assertThat(first.publications()).isEmpty();
        assertThat(first.approvals()).isEmpty();
        assertThat(store.get(ARC).publishedRevision()).isEqualTo(arcOnboarded);

        Changes last = retire(n1, true, List.of(Policy.AUTO_APPROVE_ALL));
        assertThat(last.publications()).extracting(p -> p.plan().planId()).containsExactly(IOT);
        assertThat(last.publications()).allSatisfy(p -> assertThat(p.nodeIds()).isEmpty());
        assertThat(store.get(IOT).publishedRevision()).isEqualTo(iotOnboarded + "-offboard");
        assertThat(last.approvals()).extracting(PlanBook.Notice::type).containsOnly(StatusType.APPROVED);
        assertThat(last.approvals()).extracting(n -> n.plan().planId()).containsExactly(IOT, ARC);
        // Arc's offboarding is approved and waits for IoT Operations' OFFBOARDED
        assertThat(store.get(ARC).state()).isEqualTo(PlanState.WAITING);
        assertThat(store.get(ARC).dependsOn()).isEqualTo(IOT);
        assertThat(store.get(ARC).revision()).isEqualTo(arcOnboarded + "-offboard");
        assertThat(store.get(ARC).publishedRevision()).isEqualTo(arcOnboarded);
        Changes iotOffboarded = status(IOT, StatusType.OFFBOARDED, 7, "removed");
        assertThat(iotOffboarded.publications()).singleElement().satisfies(p -> {
            assertThat(p.plan().planId()).isEqualTo(ARC);
            assertThat(p.plan().revision()).isEqualTo(arcOnboarded + "-offboard");
            assertThat(p.nodeIds()).isEmpty();
        });
        assertThat(store.get(ARC).publishedRevision()).isEqualTo(arcOnboarded + "-offboard");
        assertThat(store.get(ARC).state()).isEqualTo(PlanState.PUBLISHED);

        // a second retirement (a replay) offboards nothing again
        Changes again = retire(n1, true, List.of(Policy.AUTO_APPROVE_ALL));
        assertThat(again.publications()).isEmpty();
        assertThat(again.approvals()).isEmpty();
    }

    @Test
    void arcOffboardingStaysHeldWhileIotOperationsOffboardingFailsUntilARetrySucceeds() {
        NodeFacts n1 = node("ghent-line3/n1", "ghent");
        decide(Route.IOT_OPERATIONS, CLUSTER, n1, POLICY, EDGE_DATA);
        status(ARC, StatusType.SUCCEEDED, 1, "done");
        retire(n1, true, List.of(Policy.AUTO_APPROVE_ALL));
        assertThat(store.get(ARC).state()).isEqualTo(PlanState.WAITING);

        assertThat(status(IOT, StatusType.OFFBOARDING, 5, "started").publications())
                .isEmpty();
        Changes failed = status(IOT, StatusType.OFFBOARD_FAILED, 6, "az iot ops delete: 409 Conflict");
        assertThat(failed.publications()).isEmpty();
        assertThat(failed.notices()).singleElement().satisfies(n -> {
            assertThat(n.plan().planId()).isEqualTo(ARC);
            assertThat(n.type()).isEqualTo(StatusType.OFFBOARD_FAILED);
            assertThat(n.detail()).contains("held", IOT, "az iot ops delete: 409 Conflict", "retry");
        });
        assertThat(store.get(ARC).state()).isEqualTo(PlanState.WAITING);
        assertThat(store.get(IOT).executionState()).isEqualTo("OFFBOARD_FAILED");
        // an Arc event, or an old IoT event replayed, releases nothing
        assertThat(status(IOT, StatusType.OFFBOARDED, 4, "stale").publications())
                .isEmpty();
        assertThat(PlanBook.actsOnDependents(store.get(ARC), StatusType.OFFBOARDED))
                .isFalse();

        Changes retried = status(IOT, StatusType.OFFBOARDED, 9, "removed on retry");
        assertThat(retried.publications()).singleElement().satisfies(p -> {
            assertThat(p.plan().planId()).isEqualTo(ARC);
            assertThat(PlanIds.offboarding(p.plan().revision())).isTrue();
        });
        // a replay of the release publishes nothing more
        assertThat(status(IOT, StatusType.OFFBOARDED, 10, "again").publications())
                .isEmpty();
    }

    @Test
    void aNewRevisionsExecutionStartsAfreshSoAnOldOffboardedReleasesNothing() {
        NodeFacts n1 = node("ghent-line3/n1", "ghent");
        decide(Route.IOT_OPERATIONS, CLUSTER, n1, POLICY, EDGE_DATA);
        status(ARC, StatusType.SUCCEEDED, 1, "done");
        retire(n1, true, List.of(Policy.AUTO_APPROVE_ALL));
        status(IOT, StatusType.OFFBOARDED, 5, "removed");
        status(ARC, StatusType.OFFBOARDED, 6, "removed");

        // the cluster comes back: Arc is onboarded again, and its success releases IoT Operations' new onboarding
        decide(Route.IOT_OPERATIONS, CLUSTER, n1, POLICY, EDGE_DATA);
        assertThat(store.get(ARC).executionState())
                .as("Arc's new revision has not run")
                .isNull();
        assertThat(store.get(IOT).state()).isEqualTo(PlanState.WAITING);
        status(ARC, StatusType.SUCCEEDED, 9, "done again");
        assertThat(store.get(IOT).state()).isEqualTo(PlanState.PUBLISHED);
        assertThat(store.get(IOT).executionState())
                .as("the OFFBOARDED of its previous revision says nothing of the new one")
                .isNull();
        assertThat(store.get(IOT).executionSequence()).isEqualTo(5);

        // retired again before the executor reported on IoT's new onboarding: Arc's offboarding waits for IoT's
        Changes again = retire(n1, true, List.of(Policy.AUTO_APPROVE_ALL));
        assertThat(again.publications()).extracting(p -> p.plan().planId()).containsExactly(IOT);
        assertThat(store.get(ARC).state()).isEqualTo(PlanState.WAITING);
        assertThat(status(IOT, StatusType.OFFBOARDED, 12, "removed again").publications())
                .extracting(p -> p.plan().planId())
                .containsExactly(ARC);
    }

    @Test
    void arcOffboardingApprovedByAnOperatorWaitsForIotOperationsAndNotWithoutAnIotOffboarding() {
        NodeFacts n1 = node("ghent-line3/n1", "ghent");
        decide(Route.IOT_OPERATIONS, CLUSTER, n1, POLICY, EDGE_DATA);
        status(ARC, StatusType.SUCCEEDED, 1, "done");
        retire(n1, true, List.of(MANUAL_ALL));
        assertThat(store.get(ARC).state()).isEqualTo(PlanState.AWAITING_APPROVAL);
        assertThat(store.get(ARC).dependsOn()).isEqualTo(IOT);

        Changes approved = PlanBook.approve(store.get(ARC), "ops", NOW, store.get(IOT));
        assertThat(approved.publications()).isEmpty();
        assertThat(approved.plan(ARC).state()).isEqualTo(PlanState.WAITING);
        assertThat(approved.approvals())
                .singleElement()
                .satisfies(n -> assertThat(n.detail()).contains("waits for plan " + IOT));

        // IoT Operations never went to an executor (it waits for Arc): Arc is offboarded at once
        store.clear();
        nodePlans.clear();
        decide(Route.IOT_OPERATIONS, CLUSTER, n1, POLICY, EDGE_DATA);
        assertThat(store.get(IOT).state()).isEqualTo(PlanState.WAITING);
        Changes retired = retire(n1, true, List.of(Policy.AUTO_APPROVE_ALL));
        assertThat(retired.publications()).extracting(p -> p.plan().planId()).containsExactly(ARC);
        assertThat(store.get(ARC).dependsOn()).isNull();
    }

    @Test
    void aCompanionVmPlanIsOffboardedWithItsNodeAndANeverReleasedPlanIsNot() {
        Target node = new Target(TargetKind.NODE, "ghent-line3/n1");
        String vm = PlanIds.planId(Route.COMPANION_VM, node);
        NodeFacts facts = node("ghent-line3/n1", "ghent");
        decide(Route.COMPANION_VM, node, facts, EXTENSIONS);
        String onboarded = store.get(vm).publishedRevision();

        Changes retired = retire(facts, true, List.of(Policy.AUTO_APPROVE_ALL));
        assertThat(retired.publications()).singleElement().satisfies(p -> {
            assertThat(p.plan().planId()).isEqualTo(vm);
            assertThat(p.plan().revision()).isEqualTo(onboarded + "-offboard");
            assertThat(PlanIds.offboarding(p.plan().revision())).isTrue();
            assertThat(p.nodeIds()).containsExactly("ghent-line3/n1");
        });
        assertThat(retired.superseded()).extracting(Plan::planId).containsExactly(vm);

        // never approved: nothing went to an executor, nothing to offboard
        store.clear();
        nodePlans.clear();
        decide(List.of(MANUAL_ALL), Route.ARC_K8S, CLUSTER, facts, POLICY);
        assertThat(retire(facts, true, List.of(Policy.AUTO_APPROVE_ALL)).publications())
                .isEmpty();
        // a hand-off kit's plan is not the executor's either
        Target db = new Target(TargetKind.NODE, "db-01");
        NodeFacts dbFacts = Facts.ubuntu().id("db-01").build();
        decide(Route.DIRECT_AGENT, db, dbFacts, EXTENSIONS);
        Changes direct = PlanBook.retire(
                "db-01",
                PlanIds.planId(Route.DIRECT_AGENT, db),
                Map.copyOf(store),
                null,
                true,
                dbFacts,
                List.of(Policy.AUTO_APPROVE_ALL),
                NOW);
        assertThat(direct.publications()).isEmpty();
    }

    @Test
    void anOffboardingPassesTheApprovalGateAndIsPublishedAsOffboardingOnceApproved() {
        NodeFacts facts = node("ghent-line3/n1", "ghent");
        decide(Route.ARC_K8S, CLUSTER, facts, POLICY);

        Changes held = retire(facts, true, List.of(MANUAL_ALL));
        assertThat(held.publications()).isEmpty();
        assertThat(held.plan(ARC).state()).isEqualTo(PlanState.AWAITING_APPROVAL);
        assertThat(held.approvals())
                .singleElement()
                .satisfies(n -> assertThat(n.type()).isEqualTo(StatusType.AWAITING_APPROVAL));

        Changes approved = PlanBook.approve(store.get(ARC), "ops", NOW, null);
        assertThat(approved.publications())
                .singleElement()
                .satisfies(p ->
                        assertThat(PlanIds.offboarding(p.plan().revision())).isTrue());
    }

    @Test
    void aNodeRegisteredAgainAfterItsOffboardingIsOnboardedUnderANewRevisionFromScratch() {
        NodeFacts facts = node("ghent-line3/n1", "ghent");
        decide(Route.ARC_K8S, CLUSTER, facts, POLICY, MONITOR, GITOPS);
        String first = store.get(ARC).publishedRevision();
        retire(facts, true, List.of(Policy.AUTO_APPROVE_ALL));
        nodePlans.remove(facts.nodeId());

        Changes back = decide(Route.ARC_K8S, CLUSTER, facts, POLICY);
        assertThat(back.publications()).singleElement().satisfies(p -> {
            assertThat(p.plan().revision()).isNotIn(first, first + "-offboard").endsWith("-g1");
            assertThat(PlanIds.offboarding(p.plan().revision())).isFalse();
            // the offboarded content is not merged in again
            assertThat(p.plan().capabilities()).containsExactly(POLICY);
        });
        assertThat(store.get(ARC).members()).isEqualTo(1);
        // a replay of the same facts publishes nothing more
        assertThat(decide(Route.ARC_K8S, CLUSTER, facts, POLICY).publications()).isEmpty();

        // offboarded and onboarded again: the next generation
        retire(facts, true, List.of(Policy.AUTO_APPROVE_ALL));
        nodePlans.remove(facts.nodeId());
        assertThat(store.get(ARC).publishedRevision()).endsWith("-g1-offboard");
        assertThat(decide(Route.ARC_K8S, CLUSTER, facts, POLICY).publications())
                .singleElement()
                .satisfies(p -> assertThat(p.plan().revision()).endsWith("-g2"));
    }

    @Test
    void executorProgressOfAnOffboardingIsTheExecutionState() {
        decide(Route.ARC_K8S, CLUSTER, node("ghent-line3/n1", "ghent"), POLICY);
        status(ARC, StatusType.OFFBOARDING, 3, "started");
        assertThat(store.get(ARC).executionState()).isEqualTo("OFFBOARDING");
        status(ARC, StatusType.OFFBOARDED, 4, "done");
        assertThat(store.get(ARC).executionState()).isEqualTo("OFFBOARDED");
    }

    @Test
    void aDirectAgentPlanAwaitsAHandOffKitAndAgainAfterANewRevision() {
        Target node = new Target(TargetKind.NODE, "db-01");
        String direct = PlanIds.planId(Route.DIRECT_AGENT, node);
        NodeFacts facts = Facts.ubuntu().id("db-01").build();

        Changes first = decide(Route.DIRECT_AGENT, node, facts, EXTENSIONS, MACHINE_IDENTITY);

        assertThat(first.decision().planId()).isEqualTo(direct);
        assertThat(first.publications()).isEmpty();
        assertThat(first.plan(direct).state()).isEqualTo(PlanState.AWAITING_HANDOFF);
        assertThat(first.plan(direct).parameters())
                .containsEntry("nodeId", "db-01")
                .containsEntry("hostname", "db-01")
                .containsKey("resourceName");
        // a kit took it; the same content stays handed off
        Changes kit = PlanBook.handOff(store.get(direct), "in kit k1");
        Plan handedOff = kit.plan(direct);
        store.put(direct, handedOff);
        assertThat(handedOff.state()).isEqualTo(PlanState.PUBLISHED);
        assertThat(handedOff.publishedRevision()).isEqualTo(handedOff.revision());
        assertThat(handedOff.executionState()).isEqualTo("HANDED_OFF");
        assertThat(handedOff.executionSequence()).isEqualTo(1);
        assertThat(kit.publications()).isEmpty();
        assertThat(kit.notices()).singleElement().satisfies(n -> {
            assertThat(n.type()).isEqualTo(StatusType.HANDED_OFF);
            assertThat(n.detail()).isEqualTo("in kit k1");
        });
        // a plan no longer awaiting a kit is not handed off twice
        assertThat(PlanBook.handOff(handedOff, "in kit k2").plans()).isEmpty();
        assertThat(decide(Route.DIRECT_AGENT, node, facts, EXTENSIONS, MACHINE_IDENTITY)
                        .plan(direct)
                        .state())
                .isEqualTo(PlanState.PUBLISHED);

        Changes renamed = decide(
                Route.DIRECT_AGENT,
                node,
                Facts.ubuntu().id("db-01").site("ghent-annex").build(),
                EXTENSIONS,
                MACHINE_IDENTITY);
        assertThat(renamed.plan(direct).state()).isEqualTo(PlanState.AWAITING_HANDOFF);
        assertThat(renamed.plan(direct).revision()).isNotEqualTo(handedOff.revision());
        assertThat(renamed.publications()).isEmpty();
    }

    @Test
    void aBlockedNodeGetsNoPlanAndLeavesTheOneItHad() {
        Target node = new Target(TargetKind.NODE, "ghent-line3/n1");
        NodeFacts facts = node("ghent-line3/n1", "ghent");

        Changes blocked = decide(Route.BLOCKED, node, facts);
        assertThat(blocked.decision().planId()).isNull();
        assertThat(blocked.decision().dependsOn()).isEmpty();
        assertThat(blocked.plans()).isEmpty();
        assertThat(blocked.publications()).isEmpty();

        String vm = PlanIds.planId(Route.COMPANION_VM, node);
        decide(Route.COMPANION_VM, node, facts, EXTENSIONS);
        Changes blockedLater = decide(Route.BLOCKED, node, facts);
        assertThat(blockedLater.superseded()).extracting(Plan::planId).containsExactly(vm);
        assertThat(blockedLater.publications()).isEmpty();
    }

    @Test
    void previewsAttachTheSamePlanIdsAsThePlanner() {
        Decision iot = decision("gw-07", Route.IOT_OPERATIONS, CLUSTER, EDGE_DATA);
        Decision planned = PlanBook.decide(iot, node("ghent-line3/gw-07", "ghent"), null, Map.of())
                .decision();

        assertThat(PlanBook.withPlanIds(iot)).isEqualTo(planned);
        assertThat(PlanBook.plansOf(iot)).containsExactly(Map.entry(ARC, CLUSTER), Map.entry(IOT, CLUSTER));
        Target db = new Target(TargetKind.NODE, "db-01");
        assertThat(PlanBook.withPlanIds(decision("db-01", Route.DIRECT_AGENT, db))
                        .planId())
                .isEqualTo(PlanIds.planId(Route.DIRECT_AGENT, db));
        assertThat(PlanBook.withPlanIds(decision("db-01", Route.BLOCKED, db)).planId())
                .isNull();
    }

    static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    static final Policy.ApprovalRule MANUAL_ALL =
            new Policy.ApprovalRule("manual", null, Map.of(), null, null, null, Policy.Approve.MANUAL);
    static final Policy.ApprovalRule AUTO_LAB =
            new Policy.ApprovalRule("lab", "lab", Map.of(), null, null, null, Policy.Approve.AUTO);

    @Test
    void underAManualPolicyAnExecutablePlanAwaitsApprovalAndIsPublishedOnceApproved() {
        Changes held = decide(List.of(MANUAL_ALL), Route.ARC_K8S, CLUSTER, node("ghent-line3/n1", "ghent"), POLICY);

        assertThat(held.publications()).isEmpty();
        assertThat(held.plan(ARC).state()).isEqualTo(PlanState.AWAITING_APPROVAL);
        assertThat(held.plan(ARC).publishedRevision()).isNull();
        assertThat(held.approvals()).singleElement().satisfies(n -> {
            assertThat(n.type()).isEqualTo(StatusType.AWAITING_APPROVAL);
            assertThat(n.detail()).contains(held.plan(ARC).revision(), "'manual'");
            assertThat(n.actor()).isNull();
        });
        // a second node with nothing new, and a replay: still held, reported once
        Changes again = decide(List.of(MANUAL_ALL), Route.ARC_K8S, CLUSTER, node("ghent-line3/n2", "ghent"), POLICY);
        assertThat(again.publications()).isEmpty();
        assertThat(again.approvals()).isEmpty();
        assertThat(store.get(ARC).state()).isEqualTo(PlanState.AWAITING_APPROVAL);

        Changes approved = PlanBook.approve(store.get(ARC), "alice", NOW, null);
        store(approved);

        assertThat(approved.publications()).singleElement().satisfies(p -> {
            assertThat(p.plan().state()).isEqualTo(PlanState.PUBLISHED);
            assertThat(p.plan().publishedRevision()).isEqualTo(p.plan().revision());
            assertThat(p.nodeIds()).isEmpty();
        });
        assertThat(approved.approvals()).singleElement().satisfies(n -> {
            assertThat(n.type()).isEqualTo(StatusType.APPROVED);
            assertThat(n.actor()).isEqualTo("alice");
        });
        assertThat(store.get(ARC).approval())
                .isEqualTo(new PlanBook.Approval(true, store.get(ARC).revision(), "alice", NOW, null));
        // approving again changes nothing
        assertThat(PlanBook.approve(store.get(ARC), "bob", NOW, null).plans()).isEmpty();
        // a replay keeps it approved and publishes nothing
        Changes replay = decide(List.of(MANUAL_ALL), Route.ARC_K8S, CLUSTER, node("ghent-line3/n1", "ghent"), POLICY);
        assertThat(replay.publications()).isEmpty();
        assertThat(replay.approvals()).isEmpty();
        assertThat(replay.notices()).isEmpty();
        assertThat(store.get(ARC).state()).isEqualTo(PlanState.PUBLISHED);
    }

    @Test
    void aNewRevisionOfAnApprovedPlanAwaitsApprovalAgainUnlessARuleApprovesIt() {
        decide(List.of(MANUAL_ALL), Route.ARC_K8S, CLUSTER, node("ghent-line3/n1", "ghent"), POLICY);
        store(PlanBook.approve(store.get(ARC), "alice", NOW, null));
        String approvedRevision = store.get(ARC).revision();

        Changes grown =
                decide(List.of(MANUAL_ALL), Route.ARC_K8S, CLUSTER, node("ghent-line3/n1", "ghent"), POLICY, GITOPS);
        assertThat(grown.publications()).isEmpty();
        assertThat(grown.plan(ARC).state()).isEqualTo(PlanState.AWAITING_APPROVAL);
        assertThat(grown.plan(ARC).publishedRevision()).isEqualTo(approvedRevision);
        assertThat(grown.approvals()).extracting(PlanBook.Notice::type).containsExactly(StatusType.AWAITING_APPROVAL);

        // the same growth from a lab node: the lab rule approves it at once, recorded with its name
        Changes lab = decide(
                List.of(AUTO_LAB, MANUAL_ALL),
                Route.ARC_K8S,
                CLUSTER,
                node("ghent-line3/n3", "lab"),
                POLICY,
                GITOPS,
                DEFENDER);
        assertThat(lab.publications())
                .singleElement()
                .satisfies(p -> assertThat(p.plan().capabilities()).contains(DEFENDER));
        assertThat(lab.approvals()).singleElement().satisfies(n -> {
            assertThat(n.type()).isEqualTo(StatusType.APPROVED);
            assertThat(n.actor()).isEqualTo("rule:lab");
        });
        assertThat(store.get(ARC).approval().by()).isEqualTo("rule:lab");
        assertThat(store.get(ARC).approval().at()).isEqualTo(NOW);
    }

    @Test
    void aRejectedPlanIsNotPublishedUntilApprovedAgain() {
        Target node = new Target(TargetKind.NODE, "ghent-line3/n1");
        String vm = PlanIds.planId(Route.COMPANION_VM, node);
        NodeFacts facts = node("ghent-line3/n1", "ghent");
        decide(List.of(MANUAL_ALL), Route.COMPANION_VM, node, facts, EXTENSIONS);

        Changes rejected = PlanBook.reject(store.get(vm), "alice", NOW, "change freeze");
        store(rejected);
        assertThat(rejected.plan(vm).state()).isEqualTo(PlanState.REJECTED);
        assertThat(rejected.publications()).isEmpty();
        assertThat(rejected.approvals()).singleElement().satisfies(n -> {
            assertThat(n.type()).isEqualTo(StatusType.REJECTED);
            assertThat(n.actor()).isEqualTo("alice");
            assertThat(n.detail()).contains("change freeze");
        });
        assertThat(store.get(vm).approval())
                .isEqualTo(new PlanBook.Approval(false, store.get(vm).revision(), "alice", NOW, "change freeze"));
        assertThat(PlanBook.reject(store.get(vm), "bob", NOW, "again").plans()).isEmpty();
        // a replay, even under a policy approving everything, keeps the rejection of this revision
        Changes replay = decide(List.of(Policy.AUTO_APPROVE_ALL), Route.COMPANION_VM, node, facts, EXTENSIONS);
        assertThat(replay.publications()).isEmpty();
        assertThat(replay.approvals()).isEmpty();
        assertThat(replay.notices()).isEmpty();
        assertThat(store.get(vm).state()).isEqualTo(PlanState.REJECTED);

        Changes approved = PlanBook.approve(store.get(vm), "bob", NOW.plusSeconds(60), null);
        assertThat(approved.publications()).singleElement().satisfies(p -> {
            assertThat(p.plan().planId()).isEqualTo(vm);
            assertThat(p.nodeIds()).containsExactly("ghent-line3/n1");
        });
        assertThat(approved.plan(vm).approval().by()).isEqualTo("bob");
    }

    @Test
    void anApprovedIotPlanStillWaitsForItsClustersArcPlan() {
        decide(List.of(MANUAL_ALL), Route.IOT_OPERATIONS, CLUSTER, node("ghent-line3/gw-07", "ghent"), EDGE_DATA);
        assertThat(store.get(ARC).state()).isEqualTo(PlanState.AWAITING_APPROVAL);
        assertThat(store.get(IOT).state()).isEqualTo(PlanState.AWAITING_APPROVAL);

        Changes iot = PlanBook.approve(store.get(IOT), "alice", NOW, store.get(ARC));
        store(iot);
        assertThat(iot.publications()).isEmpty();
        assertThat(store.get(IOT).state()).isEqualTo(PlanState.WAITING);
        assertThat(iot.approvals())
                .singleElement()
                .satisfies(n -> assertThat(n.detail()).contains("waits for plan " + ARC));
        // the Arc plan succeeding does nothing to a plan still awaiting approval; approved, it goes out
        Changes arc = PlanBook.approve(store.get(ARC), "alice", NOW, null);
        store(arc);
        assertThat(arc.publications()).extracting(p -> p.plan().planId()).containsExactly(ARC);
        assertThat(status(ARC, StatusType.SUCCEEDED, 4, "connected").publications())
                .extracting(p -> p.plan().planId())
                .containsExactly(IOT);
        // an approved plan still waiting can be rejected; then even its dependency's success does not release it
        decide(
                List.of(MANUAL_ALL),
                Route.IOT_OPERATIONS,
                new Target(TargetKind.CLUSTER, "linz"),
                Facts.flatcar()
                        .id("linz/gw-1")
                        .site("linz")
                        .cluster("linz", "k3s")
                        .build(),
                EDGE_DATA);
        String linzArc = PlanIds.planId(Route.ARC_K8S, new Target(TargetKind.CLUSTER, "linz"));
        String linzIot = PlanIds.planId(Route.IOT_OPERATIONS, new Target(TargetKind.CLUSTER, "linz"));
        store(PlanBook.approve(store.get(linzIot), "alice", NOW, store.get(linzArc)));
        store(PlanBook.reject(store.get(linzIot), "bob", NOW, "not this quarter"));
        store(PlanBook.approve(store.get(linzArc), "alice", NOW, null));
        assertThat(status(linzArc, StatusType.SUCCEEDED, 2, "connected").publications())
                .isEmpty();
        assertThat(store.get(linzIot).state()).isEqualTo(PlanState.REJECTED);
    }

    @Test
    void aDirectAgentPlanNeedsNoApproval() {
        Target node = new Target(TargetKind.NODE, "db-01");
        String direct = PlanIds.planId(Route.DIRECT_AGENT, node);
        Changes first = decide(
                List.of(MANUAL_ALL),
                Route.DIRECT_AGENT,
                node,
                Facts.ubuntu().id("db-01").build(),
                EXTENSIONS);
        assertThat(first.plan(direct).state()).isEqualTo(PlanState.AWAITING_HANDOFF);
        assertThat(first.approvals()).isEmpty();
        assertThat(PlanBook.approvable(first.plan(direct))).isFalse();
        assertThat(PlanBook.rejectable(first.plan(direct))).isFalse();
    }

    @Test
    void aSelectorSelectsByRouteSiteClusterAndTheLabelsOfAPlansNodes() {
        decide(List.of(MANUAL_ALL), Route.ARC_K8S, CLUSTER, node("ghent-line3/n1", "ghent"), POLICY);
        Plan arc = store.get(ARC);
        Map<String, String> prod = Map.of("tier", "prod", "zone", "a");

        assertThat(new PlanBook.Selector("ghent", null, null, null).selects(arc, List.of()))
                .isTrue();
        assertThat(new PlanBook.Selector("lyon", null, null, null).selects(arc, List.of()))
                .isFalse();
        assertThat(new PlanBook.Selector(null, Route.ARC_K8S, null, java.util.Set.of("ghent-line3"))
                        .selects(arc, List.of()))
                .isTrue();
        assertThat(new PlanBook.Selector(null, Route.COMPANION_VM, null, null).selects(arc, List.of()))
                .isFalse();
        assertThat(new PlanBook.Selector(null, null, null, java.util.Set.of("linz")).selects(arc, List.of()))
                .isFalse();
        assertThat(new PlanBook.Selector(null, null, Map.of("tier", "prod"), null)
                        .selects(arc, List.of(Map.of(), prod)))
                .isTrue();
        assertThat(new PlanBook.Selector(null, null, Map.of("tier", "prod", "zone", "b"), null)
                        .selects(arc, List.of(prod)))
                .isFalse();
        assertThat(new PlanBook.Selector(null, null, Map.of("tier", "prod"), null).selects(arc, List.of()))
                .isFalse();
        assertThat(new PlanBook.Selector(null, null, Map.of(), java.util.Set.of()).empty())
                .isTrue();
    }

    @Test
    void aPlanARolloutHoldsAwaitsItsBatchAndSaysSoOnce() {
        NodeFacts n1 = node("ghent-line3/n1", "ghent");
        Changes held = PlanBook.decide(
                decision(n1.nodeId(), Route.ARC_K8S, CLUSTER, POLICY),
                n1,
                null,
                Map.copyOf(store),
                List.of(Policy.AUTO_APPROVE_ALL),
                NOW,
                p -> true);
        store(held);

        assertThat(held.publications()).isEmpty();
        assertThat(held.plan(ARC).state()).isEqualTo(PlanState.AWAITING_ROLLOUT);
        assertThat(held.approvals())
                .extracting(Notice::type)
                .containsExactly(StatusType.APPROVED, StatusType.AWAITING_ROLLOUT);
        assertThat(held.approvals().get(1).detail()).contains(held.plan(ARC).revision(), "rollout");
        // a second node with nothing new: still held, reported once
        NodeFacts n2 = node("ghent-line3/n2", "ghent");
        Changes again = PlanBook.decide(
                decision(n2.nodeId(), Route.ARC_K8S, CLUSTER, POLICY),
                n2,
                null,
                Map.copyOf(store),
                List.of(Policy.AUTO_APPROVE_ALL),
                NOW,
                p -> true);
        assertThat(again.publications()).isEmpty();
        assertThat(again.approvals()).isEmpty();
        assertThat(again.plan(ARC).state()).isEqualTo(PlanState.AWAITING_ROLLOUT);
    }

    @Test
    void anOperatorsApprovalOfAPlanARolloutHoldsSaysItAwaitsTheRollout() {
        decide(List.of(MANUAL_ALL), Route.ARC_K8S, CLUSTER, node("ghent-line3/n1", "ghent"), POLICY);

        Changes approved = PlanBook.approve(store.get(ARC), "alice", NOW, null, p -> true);

        assertThat(approved.publications()).isEmpty();
        assertThat(approved.plan(ARC).state()).isEqualTo(PlanState.AWAITING_ROLLOUT);
        assertThat(approved.approvals())
                .extracting(Notice::type)
                .containsExactly(StatusType.APPROVED, StatusType.AWAITING_ROLLOUT);
    }

    @Test
    void anIotPlanTheArcPlansSuccessWouldReleaseIsHeldWhenARolloutHoldsIt() {
        decide(Route.IOT_OPERATIONS, CLUSTER, node("ghent-line3/gw-07", "ghent"), EDGE_DATA);
        status(ARC, StatusType.STARTED, 1, "connecting");
        List<Plan> dependents =
                store.values().stream().filter(p -> ARC.equals(p.dependsOn())).toList();

        Changes succeeded = PlanBook.onStatus(
                store.get(ARC),
                null,
                StatusType.SUCCEEDED,
                7,
                "connected",
                dependents,
                p -> p.planId().equals(IOT));
        store(succeeded);

        assertThat(succeeded.publications()).isEmpty();
        assertThat(succeeded.plan(IOT).state()).isEqualTo(PlanState.AWAITING_ROLLOUT);
        assertThat(succeeded.plan(IOT).publishedRevision()).isNull();
        assertThat(succeeded.notices()).singleElement().satisfies(n -> {
            assertThat(n.type()).isEqualTo(StatusType.AWAITING_ROLLOUT);
            assertThat(n.plan().planId()).isEqualTo(IOT);
        });
        // the rollout's batch then releases it, and it goes out as the Arc plan's success would have sent it
        Changes released = PlanBook.releaseFromRollout(store.get(IOT), store.get(ARC));
        assertThat(released.publications())
                .singleElement()
                .satisfies(p -> assertThat(p.plan().state()).isEqualTo(PlanState.PUBLISHED));
    }

    private void store(Changes changes) {
        changes.plans().forEach(p -> store.put(p.planId(), p));
    }

    private Changes decide(
            List<Policy.ApprovalRule> rules, Route route, Target target, NodeFacts facts, Capability... provided) {
        Decision decision = decision(facts.nodeId(), route, target, provided);
        Changes changes =
                PlanBook.decide(decision, facts, nodePlans.get(facts.nodeId()), Map.copyOf(store), rules, NOW);
        store(changes);
        nodePlans.put(facts.nodeId(), changes.decision().planId());
        return changes;
    }

    private Changes decide(Route route, Target target, NodeFacts facts, Capability... provided) {
        Decision decision = decision(facts.nodeId(), route, target, provided);
        Changes changes = PlanBook.decide(decision, facts, nodePlans.get(facts.nodeId()), Map.copyOf(store));
        changes.plans().forEach(p -> store.put(p.planId(), p));
        nodePlans.put(facts.nodeId(), changes.decision().planId());
        return changes;
    }

    private Changes retire(NodeFacts facts, boolean lastOfCluster, List<Policy.ApprovalRule> rules) {
        Changes changes = PlanBook.retire(
                facts.nodeId(),
                nodePlans.get(facts.nodeId()),
                Map.copyOf(store),
                facts.clusterId(),
                lastOfCluster,
                facts,
                rules,
                NOW);
        store(changes);
        return changes;
    }

    private Changes status(String planId, StatusType type, long sequence, String detail) {
        List<Plan> dependents = store.values().stream()
                .filter(p -> planId.equals(p.dependsOn()))
                .toList();
        Changes changes = PlanBook.onStatus(store.get(planId), type, sequence, detail, dependents);
        changes.plans().forEach(p -> store.put(p.planId(), p));
        return changes;
    }

    /** An executor event of {@code revision} of the plan. */
    private Changes status(String planId, String revision, StatusType type, long sequence, String detail) {
        List<Plan> dependents = store.values().stream()
                .filter(p -> planId.equals(p.dependsOn()))
                .toList();
        Changes changes =
                PlanBook.onStatus(store.get(planId), revision, type, sequence, detail, dependents, p -> false);
        changes.plans().forEach(p -> store.put(p.planId(), p));
        return changes;
    }

    private static NodeFacts node(String nodeId, String site) {
        return Facts.talos().id(nodeId).site(site).cluster("ghent-line3", "k3s").build();
    }

    private static Decision decision(String nodeId, Route route, Target target, Capability... provided) {
        return new Decision(
                nodeId,
                route,
                target,
                false,
                List.of(),
                List.of("test"),
                new CapabilitySet(List.of(provided), List.of()),
                List.of(),
                null,
                List.of(),
                "policy-1",
                "hash-" + nodeId,
                Instant.parse("2026-11-23T10:00:00Z"));
    }
}
