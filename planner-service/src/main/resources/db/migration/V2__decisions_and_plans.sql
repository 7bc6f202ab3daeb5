-- The planner's latest decision per node, with the facts and policy it came from (replays compare both).
create table node_decision (
    node_id        varchar(253) primary key,
    cluster_id     varchar(253),
    facts          text         not null,
    facts_hash     varchar(64)  not null,
    policy_version varchar(100) not null,
    route          varchar(32)  not null,
    target_kind    varchar(16)  not null,
    target_id      varchar(300) not null,
    plan_id        varchar(64),
    decision       text         not null,
    decided_at     timestamptz  not null,
    retired        boolean      not null default false
);
create index node_decision_cluster on node_decision (cluster_id);
create index node_decision_plan on node_decision (plan_id);

-- One row per plan (route + target). Cluster plans accumulate their members' capabilities; a new revision is
-- published when they grow.
create table plan (
    plan_id            varchar(64)  primary key,
    route              varchar(32)  not null,
    target_kind        varchar(16)  not null,
    target_id          varchar(300) not null,
    capabilities       text         not null,
    parameters         text         not null,
    depends_on         varchar(64),
    revision           varchar(64)  not null,
    published_revision varchar(64),
    -- WAITING (for its dependency), PUBLISHED, SUPERSEDED
    state              varchar(16)  not null,
    -- what the executor last reported: IN_PROGRESS, SUCCEEDED, FAILED
    execution_state    varchar(16),
    execution_detail   text,
    execution_sequence bigint       not null default 0,
    members            int          not null default 0,
    policy_version     varchar(100) not null,
    correlation_id     varchar(64),
    created_at         timestamptz  not null,
    updated_at         timestamptz  not null
);
create index plan_depends_on on plan (depends_on);
