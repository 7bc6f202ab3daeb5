package dev.arcfleet.planner.handoff;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arcfleet.contracts.EventIds;
import dev.arcfleet.contracts.EventTypes;
import dev.arcfleet.contracts.Route;
import dev.arcfleet.contracts.StatusEvent;
import dev.arcfleet.contracts.StatusType;
import dev.arcfleet.contracts.Target;
import dev.arcfleet.contracts.TargetKind;
import dev.arcfleet.contracts.Topics;
import dev.arcfleet.planner.plan.PlanBook;
import dev.arcfleet.planner.plan.PlanEntity;
import dev.arcfleet.planner.plan.PlanState;
import dev.arcfleet.planner.plan.PlanningService;
import dev.arcfleet.support.outbox.Outbox;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * DIRECT_AGENT plans end in a site's hand-off kit: an operator asks for the kit of a site, every DIRECT_AGENT plan of
 * that site not yet in a kit (in its current revision) goes into it, and each of those plans reports HANDED_OFF on
 * {@code onboarding.status} with who made the kit and when. A plan whose facts change later (a new revision) awaits
 * the next kit.
 */
@ApplicationScoped
public class HandoffService {
    /** Why no kit was made. */
    public static final class NoKit extends RuntimeException {
        public NoKit(String message) {
            super(message);
        }
    }

    private final HandoffConfig config;
    private final Outbox outbox;
    private final ObjectMapper mapper;
    private final PlanningService planning;

    public HandoffService(HandoffConfig config, Outbox outbox, ObjectMapper mapper, PlanningService planning) {
        this.config = config;
        this.outbox = outbox;
        this.mapper = mapper;
        this.planning = planning;
    }

    /** Makes the site's kit from every DIRECT_AGENT plan of the site that awaits one; NoKit when there is none. */
    @Transactional
    public HandoffKitEntity make(String site, String who) {
        String principal = config.servicePrincipalId()
                .filter(s -> !s.isBlank())
                .orElseThrow(
                        () -> new NoKit(
                                "no onboarding service principal is configured (planner.handoff.service-principal-id): a kit names it"));
        // locked in plan id order, as every writer of plans locks them; the kit lists them by target
        List<PlanEntity> plans = new ArrayList<>(PlanEntity.<PlanEntity>find(
                        "route = ?1 and state = ?2 order by planId",
                        Route.DIRECT_AGENT.name(),
                        PlanState.AWAITING_HANDOFF)
                .withLock(LockModeType.PESSIMISTIC_WRITE)
                .list());
        plans.sort(Comparator.comparing((PlanEntity p) -> p.targetId));
        List<PlanEntity> ofSite = new ArrayList<>();
        List<HandoffKit.Entry> entries = new ArrayList<>();
        for (PlanEntity plan : plans) {
            Map<String, String> p = parameters(plan);
            if (site.equals(p.get("site"))) {
                ofSite.add(plan);
                entries.add(new HandoffKit.Entry(
                        plan.planId,
                        p.get("nodeId"),
                        p.get("hostname"),
                        p.get("site"),
                        p.get("clusterId"),
                        p.get("osFamily"),
                        p.get("resourceName")));
            }
        }
        if (ofSite.isEmpty()) {
            throw new NoKit("no DIRECT_AGENT node of site " + site + " awaits a hand-off kit");
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        HandoffKitEntity kit = new HandoffKitEntity();
        kit.kitId = "kit-" + UUID.randomUUID();
        kit.site = site;
        kit.createdBy = who;
        kit.createdAt = now;
        kit.nodes = ofSite.size();
        kit.script = HandoffKit.script(
                kit.kitId,
                site,
                now,
                who,
                new HandoffKit.Settings(
                        config.tenantId(),
                        config.subscriptionId(),
                        config.resourceGroup(),
                        config.location(),
                        config.cloud(),
                        principal),
                entries);
        kit.inventory = HandoffKit.inventory(entries);
        kit.persist();
        String detail = "handed off in kit " + kit.kitId + " for site " + site + ", made by " + who
                + ": the site connects it with the agent (azcmagent connect)";
        for (PlanEntity plan : ofSite) {
            PlanBook.Changes changes = PlanBook.handOff(planning.asPlan(plan), detail);
            planning.copy(changes.plan(plan.planId), plan, now);
            plan.handoffKit = kit.kitId;
            String nodeId = parameters(plan).get("nodeId");
            StatusEvent event = new StatusEvent(
                    EventIds.next(),
                    plan.correlationId,
                    now,
                    StatusType.HANDED_OFF,
                    nodeId,
                    plan.planId,
                    Route.DIRECT_AGENT,
                    new Target(TargetKind.valueOf(plan.targetKind), plan.targetId),
                    "handoff",
                    null,
                    plan.executionSequence,
                    detail,
                    null);
            outbox.publish(Topics.STATUS, plan.targetId, EventTypes.STATUS, event.eventId(), plan.correlationId, event);
        }
        Log.infof("hand-off kit %s for site %s: %d nodes, made by %s", kit.kitId, site, kit.nodes, who);
        return kit;
    }

    /** Kits made, newest first, of one site or of all. */
    public List<HandoffKitEntity> kits(String site) {
        return site == null
                ? HandoffKitEntity.<HandoffKitEntity>list("order by createdAt desc")
                : HandoffKitEntity.<HandoffKitEntity>list("site = ?1 order by createdAt desc", site);
    }

    public Optional<HandoffKitEntity> kit(String kitId) {
        return HandoffKitEntity.findByIdOptional(kitId);
    }

    /** DIRECT_AGENT plans awaiting a kit, by site ("(none)" for nodes registered without one). */
    public Map<String, Integer> awaiting() {
        Map<String, Integer> bySite = new TreeMap<>();
        for (PlanEntity plan : PlanEntity.<PlanEntity>list(
                "route = ?1 and state = ?2", Route.DIRECT_AGENT.name(), PlanState.AWAITING_HANDOFF)) {
            bySite.merge(parameters(plan).getOrDefault("site", "(none)"), 1, Integer::sum);
        }
        return bySite;
    }

    private Map<String, String> parameters(PlanEntity plan) {
        try {
            return mapper.readValue(plan.parameters, new TypeReference<Map<String, String>>() {});
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored parameters of plan " + plan.planId + " are unreadable", e);
        }
    }
}
