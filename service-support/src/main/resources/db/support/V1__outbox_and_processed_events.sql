-- Shared by every service (Flyway location db/support). Service migrations start at V2.

-- Transactional outbox: written in the same transaction as the state change, relayed to Kafka in id order.
create sequence outbox_seq increment by 100;
create table outbox_event (
    id             bigint primary key,
    topic          varchar(255) not null,
    msg_key        varchar(512),
    ce_type        varchar(255) not null,
    event_id       varchar(64)  not null,
    correlation_id varchar(64),
    payload        text         not null,
    created_at     timestamptz  not null
);

-- Idempotent consumers: one row per consumed event, written with the event's effect.
create table processed_event (
    consumer     varchar(100) not null,
    event_id     varchar(200) not null,
    processed_at timestamptz  not null,
    primary key (consumer, event_id)
);
create index processed_event_at on processed_event (processed_at);
