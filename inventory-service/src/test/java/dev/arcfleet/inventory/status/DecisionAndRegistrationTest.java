package dev.arcfleet.inventory.status;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.arcfleet.contracts.ClusterRef;
import dev.arcfleet.contracts.FactsSource;
import dev.arcfleet.contracts.Registration;
import dev.arcfleet.contracts.StatusType;
import dev.arcfleet.contracts.Target;
import dev.arcfleet.contracts.TargetKind;
import dev.arcfleet.inventory.InventoryKafkaTest;
import dev.arcfleet.inventory.nodes.NodeEntity;
import dev.arcfleet.inventory.registrations.Registrant;
import dev.arcfleet.inventory.registrations.RegistrationService;
import dev.arcfleet.testsupport.FleetInfraResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A node's decision and its facts have one writer each: a registration that rewrites the node never writes its decision
 * (docs/architecture.md, data path 7), so a registration that read the node before a newer decision committed cannot
 * put the older decision back when it writes.
 */
@QuarkusTest
@QuarkusTestResource(
        value = FleetInfraResource.class,
        initArgs = @ResourceArg(name = "database", value = "inventory_test"))
class DecisionAndRegistrationTest extends InventoryKafkaTest {
    @Inject
    RegistrationService registrations;

    @Inject
    StatusProjection projection;

    @Test
    void aRegistrationThatReadTheNodeBeforeANewerDecisionDoesNotBringBackTheOlderOne() {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String node = "race-" + id;
        String cluster = "race-cluster-" + id;
        register(node, "ghent", TALOS, cluster);
        Target target = new Target(TargetKind.CLUSTER, cluster);
        String older = UUID.randomUUID().toString();
        String newer = UUID.randomUUID().toString();
        Instant t0 = Instant.now();
        decide(node, older, target, t0);

        QuarkusTransaction.requiringNew().run(() -> {
            // the registration's transaction has read the node with the older decision ...
            NodeEntity read = NodeEntity.findById(node);
            assertThat(read.planId).isEqualTo(older);
            // ... the newer decision commits meanwhile ...
            decide(node, newer, target, t0.plusSeconds(1));
            // ... and the registration, changed facts, writes the node it read
            registrations.register(
                    List.of(new Registration(
                            node,
                            "renamed-" + id,
                            "ghent",
                            null,
                            Map.of(),
                            TALOS,
                            null,
                            null,
                            new ClusterRef(cluster, null),
                            null,
                            List.of(),
                            Map.of())),
                    FactsSource.REGISTRATION,
                    Registrant.KAFKA);
        });

        given().get("/api/v1/nodes/" + node)
                .then()
                .statusCode(200)
                .body("hostname", equalTo("renamed-" + id))
                .body("onboarding.planId", equalTo(newer))
                .body("onboarding.state", equalTo("PLANNED"));
    }

    private void decide(String node, String planId, Target target, Instant at) {
        QuarkusTransaction.requiringNew()
                .run(() -> projection.applyAll(List.of(
                        event(StatusType.PLANNED, node, planId, target, 0, arcDecision(node, planId, target), at))));
    }
}
