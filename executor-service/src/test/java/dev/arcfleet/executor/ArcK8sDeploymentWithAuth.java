package dev.arcfleet.executor;

import dev.arcfleet.testsupport.FleetInfraResource;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The executor deployed as production deploys one route: the companion VM and IoT Operations plan channels disabled,
 * operator actions behind a token (the bootstrap admin token below) with the inventory that answers for other tokens
 * out of reach, and Kafka that authenticates and authorizes as every deployment's does ({@code ScramKafka}, as
 * {@code fleet-executor}; the tests' own clients connect as the super user). The tests that need a deployment other
 * than the default share this one profile, because each profile is a Quarkus application built and started anew when
 * the tests reach it (35-50 s of a test run).
 */
public class ArcK8sDeploymentWithAuth implements QuarkusTestProfile {
    static final String ADMIN_TOKEN = "afo_executor-admin-" + UUID.randomUUID();

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(
                FleetInfraResource.class,
                Map.of("database", "executor_one_route", "kafka.auth", "scram", "kafka.user", "fleet-executor")));
    }

    @Override
    public boolean disableGlobalTestResources() {
        return true;
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        try (ServerSocket free = new ServerSocket(0)) {
            Path file = Files.createTempFile("admin-token-", ".txt");
            Files.writeString(file, ADMIN_TOKEN + "\n");
            // a port that was free a moment ago: nothing answers there, as when inventory is down
            String unreachable = "http://127.0.0.1:" + free.getLocalPort() + "/api/v1/tokens/introspect";
            return Map.of(
                    "fleet.auth.enabled",
                    "true",
                    "fleet.auth.admin-token-file",
                    file.toString(),
                    "fleet.auth.introspection-url",
                    unreachable,
                    "mp.messaging.incoming.plans-companion-vm-in.enabled",
                    "false",
                    "mp.messaging.incoming.plans-iot-operations-in.enabled",
                    "false",
                    // a group of its own, so plans left by other tests on this broker are not in the way
                    "mp.messaging.incoming.plans-arc-k8s-in.group.id",
                    "executor-arc-k8s-only");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
