package dev.arcfleet.executor.live;

import dev.arcfleet.testsupport.arm.ArmEmulator;
import dev.arcfleet.testsupport.kube.FleetSimulator;
import dev.arcfleet.testsupport.kube.MockClusters;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Puts the executor in live mode against the ARM emulator and one mock cluster per target (kubeconfigs in a folder, as
 * a mounted Secret would give them), with the bearer token and the onboarding service principal in files, and the log
 * written to a file the tests can search for secrets.
 */
public class LiveAzureResource implements QuarkusTestResourceLifecycleManager {
    protected LiveFleet fleet;

    @Override
    public Map<String, String> start() {
        try {
            Path dir = Files.createTempDirectory("executor-live");
            ArmEmulator arm = new ArmEmulator(200, 10, LiveFleet.PROVISIONING).start();
            // operations here end within LiveFleet.PROVISIONING: ARM advises no wait beyond the executor's poll
            // interval
            arm.operationRetryAfter(Duration.ZERO);
            MockClusters clusters = MockClusters.start(dir.resolve("kubeconfigs"), LiveFleet.CLUSTERS);
            FleetSimulator simulator = new FleetSimulator(arm, clusters).start();
            String token = "arm-token-" + UUID.randomUUID();
            String secret = "sp-secret-" + UUID.randomUUID();
            Path tokenFile = Files.writeString(dir.resolve("arm-token"), token);
            Path principal = Files.writeString(
                    dir.resolve("onboarding-principal.json"),
                    "{\"tenantId\":\"11111111-2222-3333-4444-555555555555\",\"clientId\":\"a0a0a0a0-1111-2222-3333-444444444444\","
                            + "\"clientSecret\":\"" + secret + "\"}");
            Path log = Path.of("target", "executor-live.log").toAbsolutePath();
            Files.deleteIfExists(log);
            fleet = new LiveFleet(arm, clusters, simulator, log, token, secret);
            Map<String, String> config = new HashMap<>();
            config.put("executor.mode", "live");
            config.put("executor.workers", "6");
            config.put("executor.azure.endpoint", arm.endpoint());
            config.put("executor.azure.subscription-id", LiveFleet.SUBSCRIPTION);
            config.put("executor.azure.resource-group", LiveFleet.RESOURCE_GROUP);
            config.put("executor.azure.credential", "token-file");
            config.put("executor.azure.credential-file", tokenFile.toString());
            config.put("executor.azure.poll-interval", LiveFleet.POLL_INTERVAL.toMillis() + "ms");
            config.put("executor.azure.call-timeout", "3s");
            // a lease shorter than many steps (GET, then PUT or DELETE, each up to the call timeout): the keeper's
            // renewals, not the lease's length, keep a running step with its worker
            config.put("executor.lease", "3s");
            config.put("executor.companion-vm.reconcile-interval", "1s");
            config.put("executor.kube.kubeconfig-dir", clusters.kubeconfigDir().toString());
            config.put("executor.onboarding-principal-file", principal.toString());
            config.put("executor.azure.tenant-id", "11111111-2222-3333-4444-555555555555");
            // what the operator must have done (a host node, an OIDC issuer, a registered provider) is seeded before
            // a plan arrives, or missing on purpose: a second is the scenarios' whole wait for a check that fails
            config.put("executor.operator-check-timeout", "1s");
            config.put("executor.agents.custom-locations-object-id", "51dfe1e8-70c6-4de5-a08e-e18aff23d815");
            config.put("quarkus.log.file.enabled", "true");
            config.put("quarkus.log.file.path", log.toString());
            config.put("quarkus.log.category.\"dev.arcfleet\".level", "DEBUG");
            config.put("quarkus.log.category.\"io.fabric8.mockwebserver\".level", "WARN");
            return config;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(fleet, new TestInjector.MatchesType(LiveFleet.class));
    }

    @Override
    public void stop() {
        if (fleet != null) {
            fleet.simulator().close();
            fleet.clusters().close();
            fleet.arm().close();
        }
    }
}
