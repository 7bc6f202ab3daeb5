package dev.arcfleet.executor.apply;

import dev.arcfleet.executor.config.ExecutorConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** The executor's configuration from these settings over its defaults, without Quarkus, for appliers built by hand. */
final class TestConfigs {
    private TestConfigs() {}

    /**
     * The settings of a live executor acting on {@code subscriptionId} through the ARM at {@code endpoint} with the
     * bearer token in {@code tokenFile}; a map to add to.
     */
    static Map<String, String> live(String endpoint, String subscriptionId, Path tokenFile) {
        Map<String, String> settings = new HashMap<>();
        settings.put("executor.mode", "live");
        settings.put("executor.azure.endpoint", endpoint);
        settings.put("executor.azure.subscription-id", subscriptionId);
        settings.put("executor.azure.credential", "token-file");
        settings.put("executor.azure.credential-file", tokenFile.toString());
        settings.put("executor.azure.call-timeout", "5s");
        return settings;
    }

    static ExecutorConfig executor(Map<String, String> settings) {
        return new SmallRyeConfigBuilder()
                .withMapping(ExecutorConfig.class)
                .withConverter(Duration.class, 100, new DurationConverter())
                .withDefaultValues(settings)
                .build()
                .getConfigMapping(ExecutorConfig.class);
    }
}
