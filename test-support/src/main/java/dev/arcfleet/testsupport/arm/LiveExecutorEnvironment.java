package dev.arcfleet.testsupport.arm;

import dev.arcfleet.testsupport.LocalKafka;
import dev.arcfleet.testsupport.LocalPostgres;
import dev.arcfleet.testsupport.kube.MockClusters;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The environment of a packaged executor in live mode against the local broker and database, the ARM emulator (a
 * bearer token from a file) and mock clusters (kubeconfigs in a folder); callers add what their run needs.
 */
public final class LiveExecutorEnvironment {
    private LiveExecutorEnvironment() {}

    public static Map<String, String> of(
            ArmEmulator arm,
            MockClusters clusters,
            String database,
            String subscriptionId,
            String resourceGroup,
            Path tokenFile) {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", LocalKafka.bootstrapServers());
        env.put("QUARKUS_DATASOURCE_JDBC_URL", LocalPostgres.database(database));
        env.put("QUARKUS_DATASOURCE_USERNAME", LocalPostgres.USER);
        env.put("QUARKUS_DATASOURCE_PASSWORD", "");
        env.put("EXECUTOR_MODE", "live");
        env.put("EXECUTOR_AZURE_ENDPOINT", arm.endpoint());
        env.put("EXECUTOR_AZURE_SUBSCRIPTION_ID", subscriptionId);
        env.put("EXECUTOR_AZURE_RESOURCE_GROUP", resourceGroup);
        env.put("EXECUTOR_AZURE_CREDENTIAL", "token-file");
        env.put("EXECUTOR_AZURE_CREDENTIAL_FILE", tokenFile.toString());
        env.put("EXECUTOR_KUBE_KUBECONFIG_DIR", clusters.kubeconfigDir().toString());
        return env;
    }
}
