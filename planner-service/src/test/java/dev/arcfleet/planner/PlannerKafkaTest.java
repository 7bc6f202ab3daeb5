package dev.arcfleet.planner;

import dev.arcfleet.contracts.NodeFacts;
import dev.arcfleet.contracts.Route;
import dev.arcfleet.contracts.StatusEvent;
import dev.arcfleet.contracts.StatusType;
import dev.arcfleet.contracts.Target;
import dev.arcfleet.contracts.TargetKind;
import dev.arcfleet.testsupport.NodeRecords;
import dev.arcfleet.testsupport.ServiceKafkaTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;

/**
 * What the planner's Kafka tests share: node facts sent as inventory sends them, the executor's outcomes of Arc plans,
 * and policy files of their own.
 */
public abstract class PlannerKafkaTest extends ServiceKafkaTest {
    /** Sends {@code facts} on {@code fleet.nodes}, keyed and headed as inventory does. */
    protected void send(NodeFacts facts) {
        try {
            kafka.produceStrings()
                    .fromRecords(NodeRecords.of(facts, JSON.writeValueAsString(facts)))
                    .awaitCompletion();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code json} written to a temporary policy file, for a test profile's {@code fleet.policy.file}. */
    public static String policyFile(String json) {
        try {
            Path policy = Files.createTempFile("policy-", ".json");
            policy.toFile().deleteOnExit();
            Files.writeString(policy, json);
            return policy.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The executor's {@code type} (SUCCEEDED, FAILED) of the Arc plan {@code planId} of {@code cluster}, with
     * {@code sequence}, of {@code revision} (null: an event that names none).
     */
    protected static StatusEvent arcOutcome(
            String planId, String cluster, StatusType type, long sequence, String detail, String revision) {
        return new StatusEvent(
                UUID.randomUUID().toString(),
                "corr",
                Instant.now(),
                type,
                null,
                planId,
                Route.ARC_K8S,
                new Target(TargetKind.CLUSTER, cluster),
                null,
                null,
                sequence,
                detail,
                null,
                null,
                revision);
    }
}
