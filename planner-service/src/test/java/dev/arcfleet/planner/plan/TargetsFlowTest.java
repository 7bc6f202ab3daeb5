package dev.arcfleet.planner.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.arcfleet.contracts.AzureTarget;
import dev.arcfleet.contracts.OnboardingPlan;
import dev.arcfleet.contracts.Topics;
import dev.arcfleet.planner.FlowPolicy;
import dev.arcfleet.planner.PlannerKafkaTest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The policy's Azure targets on the real broker and database: each published plan carries where it goes. */
@QuarkusTest
@TestProfile(FlowPolicy.class)
class TargetsFlowTest extends PlannerKafkaTest {
    static final String EU = FlowPolicy.EU_SUBSCRIPTION;

    ConsumerTask<String, String> plans;

    @BeforeEach
    void connect() {
        plans = kafka.consumeStrings().fromTopics(Topics.PLANS_ARC_K8S);
    }

    @AfterEach
    void close() {
        plans.close();
    }

    @Test
    void aPlanPublishedForATargetedSiteCarriesItsAzureTargetAndOthersNone() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String ghent = "gt-" + run;
        String lyon = "ly-" + run;
        send(ApprovalFlowTest.talos(ghent + "/cp-1", ghent, FlowPolicy.TARGETED_SITE, List.of(), "t1"));
        send(ApprovalFlowTest.talos(lyon + "/cp-1", lyon, FlowPolicy.UNTARGETED_SITE, List.of(), "t2"));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(published(ghent)).hasSize(1);
            assertThat(published(lyon)).hasSize(1);
        });
        OnboardingPlan targeted = published(ghent).get(0);
        assertThat(targeted.azureTarget())
                .isEqualTo(new AzureTarget("eu", EU, "arc-eu", "westeurope", List.of("eua", "eub")));
        assertThat(targeted.parameters().keySet()).contains("clusterId", "site").noneMatch(k -> k.startsWith("azure"));
        OnboardingPlan elsewhere = published(lyon).get(0);
        assertThat(elsewhere.azureTarget())
                .as("no rule: the executor's default")
                .isNull();
        assertThat(elsewhere.parameters().keySet())
                .contains("clusterId", "site")
                .noneMatch(k -> k.startsWith("azure"));
    }

    private List<OnboardingPlan> published(String cluster) {
        return plans.getRecords().stream()
                .filter(r -> r.key().equals(cluster))
                .map(r -> {
                    try {
                        return JSON.readValue(r.value(), OnboardingPlan.class);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                })
                .toList();
    }
}
