-- Rollouts: approved plans released to the executors in batches. A rollout's spec (selector, batches, threshold, soak,
-- progress deadline, concurrency cap) is JSON; its members are the plans it took into a batch, with their outcome.
create table rollout (
    rollout_id varchar(64) primary key,
    name varchar(200),
    spec text not null,
    state varchar(16) not null,
    batch int not null,
    soak_until timestamptz,
    reason text,
    resumed_batch int not null default 0,
    created_by varchar(200),
    created_at timestamptz not null,
    updated_at timestamptz not null,
    resumed_by varchar(200),
    resumed_at timestamptz,
    aborted_by varchar(200),
    aborted_at timestamptz
);
create index rollout_state on rollout (state);
create table rollout_plan (
    rollout_id varchar(64) not null references rollout (rollout_id),
    plan_id varchar(64) not null,
    batch int not null,
    released_at timestamptz,
    outcome varchar(16),
    detail text,
    primary key (rollout_id, plan_id)
);
create index rollout_plan_plan on rollout_plan (plan_id);
