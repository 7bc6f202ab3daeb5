package dev.arcfleet.inventory;

import static io.restassured.RestAssured.given;

import dev.arcfleet.contracts.Capability;
import dev.arcfleet.contracts.CapabilitySet;
import dev.arcfleet.contracts.Decision;
import dev.arcfleet.contracts.EventTypes;
import dev.arcfleet.contracts.RolloutState;
import dev.arcfleet.contracts.Route;
import dev.arcfleet.contracts.StatusEvent;
import dev.arcfleet.contracts.StatusType;
import dev.arcfleet.contracts.Target;
import dev.arcfleet.contracts.Topics;
import dev.arcfleet.testsupport.ServiceKafkaTest;
import dev.arcfleet.testsupport.StatusRecords;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * What inventory's Kafka tests share: registering a node over REST, the planner's and executor's status events for an
 * {@code ARC_K8S} plan, and sending them (and rollout states) as those services do.
 */
public abstract class InventoryKafkaTest extends ServiceKafkaTest {
    protected static final String TALOS = "Talos (v1.8.2)";

    /** Registers {@code deviceId} (hostname {@code host-<id>}); {@code site} and {@code clusterId} may be null. */
    protected static void register(String deviceId, String site, String osImage, String clusterId) {
        String siteField = site == null ? "" : ", \"site\": \"" + site + "\"";
        String cluster = clusterId == null ? "" : ", \"cluster\": {\"id\": \"" + clusterId + "\"}";
        given().contentType("application/json")
                .body("{\"deviceId\": \"" + deviceId + "\", \"hostname\": \"host-" + deviceId.replace('/', '-') + "\""
                        + siteField + ", \"osImage\": \"" + osImage + "\"" + cluster + "}")
                .post("/api/v1/registrations")
                .then()
                .statusCode(200);
    }

    /** The planner's decision to connect {@code target} through Arc-enabled Kubernetes. */
    protected static Decision arcDecision(String nodeId, String planId, Target target) {
        return new Decision(
                nodeId,
                Route.ARC_K8S,
                target,
                false,
                List.of(),
                List.of("in a Kubernetes cluster"),
                new CapabilitySet(List.of(Capability.POLICY), List.of()),
                List.of(),
                planId,
                List.of(),
                "p1",
                "h1",
                Instant.now());
    }

    /** A status event of an {@code ARC_K8S} plan; {@code nodeId}, {@code step} and {@code decision} may be null. */
    protected static StatusEvent event(
            StatusType type,
            String nodeId,
            String planId,
            Target target,
            long sequence,
            String step,
            String detail,
            Decision decision,
            Instant at) {
        return new StatusEvent(
                UUID.randomUUID().toString(),
                "corr-" + planId,
                at,
                type,
                nodeId,
                planId,
                Route.ARC_K8S,
                target,
                step,
                step == null ? null : 1,
                sequence,
                detail,
                decision);
    }

    /** {@link #event(StatusType, String, String, Target, long, String, String, Decision, Instant)} without a step. */
    protected static StatusEvent event(
            StatusType type,
            String nodeId,
            String planId,
            Target target,
            long sequence,
            Decision decision,
            Instant at) {
        return event(type, nodeId, planId, target, sequence, null, type.name().toLowerCase(), decision, at);
    }

    /** The same, now. */
    protected static StatusEvent event(
            StatusType type, String nodeId, String planId, Target target, long sequence, Decision decision) {
        return event(type, nodeId, planId, target, sequence, decision, Instant.now());
    }

    /** A plan's approval or rollout event: no node, and who acted ({@code actor}, may be null). */
    protected static StatusEvent planEvent(
            StatusType type, String planId, Target target, String actor, Instant at, long sequence, String detail) {
        return new StatusEvent(
                UUID.randomUUID().toString(),
                "corr-" + planId,
                at,
                type,
                null,
                planId,
                Route.ARC_K8S,
                target,
                null,
                null,
                sequence,
                detail,
                null,
                actor);
    }

    /** Sends {@code event} on {@code onboarding.status} with the headers the services write. */
    protected void send(StatusEvent event) throws Exception {
        kafka.produceStrings()
                .fromRecords(StatusRecords.of(event, JSON.writeValueAsString(event)))
                .awaitCompletion();
    }

    /** Sends {@code state} on {@code onboarding.rollouts} as the planner does. */
    protected void send(RolloutState state) throws Exception {
        ProducerRecord<String, String> record =
                new ProducerRecord<>(Topics.ROLLOUTS, state.rolloutId(), JSON.writeValueAsString(state));
        record.headers().add(EventTypes.CE_ID, state.eventId().getBytes(StandardCharsets.UTF_8));
        record.headers().add(EventTypes.CE_TYPE, EventTypes.ROLLOUT_STATE.getBytes(StandardCharsets.UTF_8));
        kafka.produceStrings().fromRecords(record).awaitCompletion();
    }

    /** The value of header {@code name}, or null. */
    protected static String header(ConsumerRecord<String, String> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
