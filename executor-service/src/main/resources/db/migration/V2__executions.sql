-- One execution per plan revision; its steps are persisted so a killed executor resumes where it stopped.
create table execution (
    execution_id   varchar(200) primary key,
    plan_id        varchar(64)  not null,
    revision       varchar(64)  not null,
    route          varchar(32)  not null,
    target_kind    varchar(16)  not null,
    target_id      varchar(300) not null,
    correlation_id varchar(64),
    mode           varchar(16)  not null,
    state          varchar(16)  not null,
    plan           text         not null,
    current_step   int          not null default 0,
    attempt        int          not null default 0,
    sequence       bigint       not null default 0,
    next_run_at    timestamptz  not null,
    lease_until    timestamptz,
    failure_reason text,
    created_at     timestamptz  not null,
    updated_at     timestamptz  not null,
    finished_at    timestamptz
);
create index execution_runnable on execution (next_run_at) where state in ('PENDING', 'RUNNING');
create index execution_plan on execution (plan_id);

create table execution_step (
    execution_id varchar(200) not null references execution (execution_id) on delete cascade,
    idx          int          not null,
    name         varchar(100) not null,
    state        varchar(16)  not null,
    attempts     int          not null default 0,
    started_at   timestamptz,
    finished_at  timestamptz,
    detail       text,
    record       text,
    primary key (execution_id, idx)
);
