package dev.arcfleet.planner;

import dev.arcfleet.contracts.NodeFacts;
import dev.arcfleet.testsupport.NodeRecords;
import dev.arcfleet.testsupport.ServiceKafkaTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the planner's Kafka tests share: node facts sent as inventory sends them, and policy files of their own. */
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
}
