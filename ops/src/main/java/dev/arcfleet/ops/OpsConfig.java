package dev.arcfleet.ops;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Operator tools: dead-letter re-drive and consumer-group replay ({@code /api/v1/ops}). */
@ConfigMapping(prefix = "fleet.ops")
public interface OpsConfig {
    /** How long one exchange with the broker (metadata, offsets, a fetch, an acknowledgement) may take; then 503. */
    @WithDefault("15s")
    Duration kafkaTimeout();

    /** Dead-lettered records re-driven per database transaction (sent, acknowledged, then recorded together). */
    @WithDefault("100")
    int redriveBatchSize();
}
