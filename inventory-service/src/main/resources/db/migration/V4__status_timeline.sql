-- Every status event the inventory has applied, for the node page's timeline and the dashboard. PLANNED and BLOCKED
-- name their node; executor events name their plan, whose nodes are those with node.plan_id = plan_id.
create table status_event (
    event_id       varchar(64)  primary key,
    node_id        varchar(253),
    plan_id        varchar(64),
    type           varchar(20)  not null,
    route          varchar(32),
    step           varchar(100),
    attempt        integer,
    sequence       bigint       not null,
    detail         text,
    correlation_id varchar(64),
    occurred_at    timestamptz  not null
);
create index status_event_node on status_event (node_id, occurred_at);
create index status_event_plan on status_event (plan_id, occurred_at);
create index plan_status_attention on plan_status (state, updated_at);
