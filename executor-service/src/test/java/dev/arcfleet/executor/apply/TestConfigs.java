package dev.arcfleet.executor.apply;

import dev.arcfleet.executor.config.ExecutorConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.Map;

/** The executor's configuration from these settings over its defaults, without Quarkus, for appliers built by hand. */
final class TestConfigs {
    private TestConfigs() {}

    static ExecutorConfig executor(Map<String, String> settings) {
        return new SmallRyeConfigBuilder()
                .withMapping(ExecutorConfig.class)
                .withConverter(Duration.class, 100, new DurationConverter())
                .withDefaultValues(settings)
                .build()
                .getConfigMapping(ExecutorConfig.class);
    }
}
