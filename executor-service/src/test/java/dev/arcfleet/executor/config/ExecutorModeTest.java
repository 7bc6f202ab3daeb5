package dev.arcfleet.executor.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code executor.mode} is read once into {@link ExecutorMode}; any other value stops the start, saying why. */
class ExecutorModeTest {

    static ExecutorConfig configWith(Map<String, String> properties) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(ExecutorConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new PropertiesConfigSource(properties, "test", 100))
                .build();
        return config.getConfigMapping(ExecutorConfig.class);
    }

    @Test
    void theTwoModesAreReadFromTheirConfiguredSpelling() {
        assertThat(configWith(Map.of()).mode()).isEqualTo(ExecutorMode.DRY_RUN);
        assertThat(configWith(Map.of("executor.mode", "dry-run")).mode()).isEqualTo(ExecutorMode.DRY_RUN);
        assertThat(configWith(Map.of("executor.mode", "live")).mode()).isEqualTo(ExecutorMode.LIVE);
        assertThat(ExecutorMode.LIVE.value()).isEqualTo("live");
        assertThat(ExecutorMode.DRY_RUN.value()).isEqualTo("dry-run");
    }

    @Test
    void anyOtherValueStopsTheStartNamingTheAllowedOnes() {
        for (String bad : new String[] {
            "Live", "LIVE", "dry_run", "DRY_RUN", "production",
        }) {
            assertThatThrownBy(() -> configWith(Map.of("executor.mode", bad)))
                    .as(bad)
                    .hasStackTraceContaining("executor.mode must be dry-run or live, got '" + bad + "'");
        }
        assertThatThrownBy(() -> ExecutorMode.parse(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("executor.mode must be dry-run or live, got 'null'");
    }
}
