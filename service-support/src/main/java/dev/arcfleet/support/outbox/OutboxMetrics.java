package dev.arcfleet.support.outbox;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import jakarta.inject.Singleton;

/**
 * {@code fleet_outbox_backlog}: events written but not yet on Kafka (read from the table at scrape time, so it counts
 * every instance's rows); {@code fleet_outbox_relayed_total}: events this instance has put on Kafka.
 *
 * <p>A scrape never fails because of these: when the relay cannot answer (the database is away, or the application
 * is stopping) the backlog reads NaN and the counter keeps its last value.
 */
@Singleton
public class OutboxMetrics implements MeterBinder {
    private final OutboxRelay relay;
    private volatile double lastRelayed;

    public OutboxMetrics(OutboxRelay relay) {
        this.relay = relay;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("fleet.outbox.backlog", this, OutboxMetrics::backlog)
                .description("outbox events not yet relayed to Kafka")
                .register(registry);
        FunctionCounter.builder("fleet.outbox.relayed", this, OutboxMetrics::relayed)
                .description("outbox events relayed to Kafka by this instance")
                .register(registry);
    }

    private double backlog() {
        try {
            return relay.backlog();
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    private double relayed() {
        try {
            lastRelayed = relay.relayedCount();
        } catch (RuntimeException e) {
            // keep the last value: a counter never goes back
            return lastRelayed;
        }
        return lastRelayed;
    }
}
