-- Dead-lettered records an operator re-drove to their original topic (POST /api/v1/ops/dead-letters/redrive): one row
-- per DLQ record, so each is re-driven at most once. A row is written after the broker acknowledged the copy, in the
-- same transaction that checked the record was not re-driven yet (dev.arcfleet.inventory.ops.Redriver).
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
