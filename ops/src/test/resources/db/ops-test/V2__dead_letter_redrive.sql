-- The table of inventory-service's V6__dead_letter_redrive.sql (which stays in inventory's migration history), for
-- the operator tools' own tests.
create table dead_letter_redrive (
    dlq_topic        varchar(255) not null,
    dlq_partition    integer      not null,
    dlq_offset       bigint       not null,
    target_topic     varchar(255) not null,
    target_partition integer      not null,
    target_offset    bigint       not null,
    redriven_at      timestamptz  not null,
    redriven_by      varchar(128) not null,
    primary key (dlq_topic, dlq_partition, dlq_offset)
);
