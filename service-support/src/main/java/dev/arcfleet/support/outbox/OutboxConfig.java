package dev.arcfleet.support.outbox;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "fleet.outbox")
public interface OutboxConfig {
    /** CloudEvents {@code source} of every event this service publishes, e.g. {@code /arcfleet/inventory}. */
    @WithDefault("/arcfleet/${quarkus.application.name}")
    String source();

    /** Whether this instance relays the outbox to Kafka (one relay per database holds a lock at a time). */
    @WithDefault("true")
    boolean relayEnabled();

    /** Most events relayed in one transaction. */
    @WithDefault("1000")
    int batchSize();

    /** How long the relay waits for new events when the outbox is empty (it is also woken on commit). */
    @WithDefault("200ms")
    Duration pollInterval();

    /** How long the relay waits for Kafka to acknowledge a batch before it retries the batch. */
    @WithDefault("30s")
    Duration sendTimeout();
}
