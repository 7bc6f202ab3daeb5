-- The planner's latest decision per node moves out of the wide node row into a narrow table of its own. Every decision
-- used to rewrite the node row (its facts and all of its indexes: route and plan_id are indexed, so no HOT update) and
-- was the inventory's most expensive statement (docs/benchmarks.md, 2026-12-04 17:35); now a decision is a narrow row
-- in three indexes, and a registration never writes a decision column, so neither can overwrite the other's.
-- A node without a row is PENDING: the planner has not decided for it yet.
create table latest_decision (
    node_id        varchar(253) primary key references node (node_id) on delete cascade,
    route          varchar(32),
    target_kind    varchar(16),
    target_id      varchar(300),
    degraded       boolean      not null default false,
    plan_id        varchar(64),
    decision_state varchar(16)  not null,
    decision       text,
    decided_at     timestamptz  not null
);
insert into latest_decision (node_id, route, target_kind, target_id, degraded, plan_id, decision_state, decision,
                             decided_at)
select node_id, route, target_kind, target_id, degraded, plan_id, decision_state, decision, decided_at
from node where decided_at is not null;
create index latest_decision_route on latest_decision (route);
create index latest_decision_plan on latest_decision (plan_id);

-- dropping the columns drops node_route and node_plan with them
alter table node
    drop column route,
    drop column target_kind,
    drop column target_id,
    drop column degraded,
    drop column plan_id,
    drop column decision_state,
    drop column decision,
    drop column decided_at;
