-- The planner's rollouts as last published on onboarding.rollouts (one row per rollout, the newest updated_at kept),
-- for the dashboard: read-only here, the planner owns them.
create table rollout_state (
    rollout_id    varchar(64) primary key,
    name          varchar(200),
    state         varchar(16) not null,
    current_batch integer not null,
    batch_count   integer not null,
    reason        text,
    batches       text not null,
    updated_at    timestamptz not null
);
create index rollout_state_updated on rollout_state (updated_at desc);
