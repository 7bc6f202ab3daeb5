package dev.arcfleet.support.outbox;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import jakarta.inject.Singleton;

/**
 * {@code fleet_outbox_backlog}: events written but not yet on Kafka (read from the table at scrape time, so it counts
 * every instance's rows); {@code fleet_outbox_relayed_total}: events this instance has put on Kafka.
 */
@Singleton
public class OutboxMetrics implements MeterBinder {
    private final OutboxRelay relay;

    public OutboxMetrics(OutboxRelay relay) {
        this.relay = relay;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("fleet.outbox.backlog", relay, OutboxRelay::backlog)
                .description("outbox events not yet relayed to Kafka").register(registry);
        FunctionCounter.builder("fleet.outbox.relayed", relay, OutboxRelay::relayedCount)
                .description("outbox events relayed to Kafka by this instance").register(registry);
    }
}
