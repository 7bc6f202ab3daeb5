package dev.arcfleet.support.outbox;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import java.time.Instant;

/** One event waiting to be relayed to Kafka. Never leaves the service: the relay maps it to a Kafka record. */
@Entity
@Table(name = "outbox_event")
public class OutboxEvent extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "outbox_seq")
    @SequenceGenerator(name = "outbox_seq", sequenceName = "outbox_seq", allocationSize = 100)
    public Long id;

    @Column(nullable = false)
    public String topic;

    @Column(name = "msg_key")
    public String key;

    @Column(name = "ce_type", nullable = false)
    public String type;

    @Column(name = "event_id", nullable = false)
    public String eventId;

    @Column(name = "correlation_id")
    public String correlationId;

    @Column(nullable = false, columnDefinition = "text")
    public String payload;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
