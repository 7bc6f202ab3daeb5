-- The node registry: latest normalized facts per node, and the planner's latest decision for it.
create table node (
    node_id        varchar(253) primary key,
    hostname       varchar(253),
    site           varchar(128),
    device_class   varchar(32)  not null,
    cluster_id     varchar(253),
    os_family      varchar(64)  not null,
    os_version     varchar(128),
    mutability     varchar(16)  not null,
    facts          text         not null,
    facts_hash     varchar(64)  not null,
    source         varchar(16)  not null,
    observed_at    timestamptz  not null,
    correlation_id varchar(64),
    retired        boolean      not null default false,
    created_at     timestamptz  not null,
    updated_at     timestamptz  not null,
    -- the latest decision (PLANNED / BLOCKED on onboarding.status)
    route          varchar(32),
    target_kind    varchar(16),
    target_id      varchar(300),
    degraded       boolean      not null default false,
    plan_id        varchar(64),
    decision_state varchar(16)  not null default 'PENDING',
    decision       text,
    decided_at     timestamptz
);
create index node_site on node (site);
create index node_cluster on node (cluster_id);
create index node_family on node (os_family);
create index node_route on node (route);
create index node_plan on node (plan_id);

-- Executor progress per plan; a node's state is its plan's state once the plan has started.
create table plan_status (
    plan_id     varchar(64) primary key,
    route       varchar(32),
    target_kind varchar(16),
    target_id   varchar(300),
    state       varchar(16)  not null,
    last_type   varchar(20)  not null,
    step        varchar(100),
    detail      text,
    sequence    bigint       not null,
    updated_at  timestamptz  not null
);
