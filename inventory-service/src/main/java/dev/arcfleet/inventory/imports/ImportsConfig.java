package dev.arcfleet.inventory.imports;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "fleet.imports")
public interface ImportsConfig {
    /** Registrations of an import stored per transaction; progress is saved as often. */
    @WithDefault("500")
    int batchSize();

    /** Errors an import reports line by line; past this they are only counted. */
    @WithDefault("1000")
    int maxErrors();

    /** A running import whose progress has not moved for this long was cut off (the instance stopped): INTERRUPTED. */
    @WithDefault("5m")
    Duration staleAfter();
}
