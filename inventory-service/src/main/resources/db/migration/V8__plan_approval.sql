-- The planner's approval of a plan's revision (AWAITING_APPROVAL, APPROVED, REJECTED): the last approval event, who
-- and when, and the state it holds the plan's nodes in (AWAITING_APPROVAL or REJECTED; null once approved). A plan not
-- started yet has no executor state.
alter table plan_status alter column state drop not null;
alter table plan_status alter column last_type drop not null;
alter table plan_status add column held varchar(32);
alter table plan_status add column approval varchar(32);
alter table plan_status add column approval_by varchar(200);
alter table plan_status add column approval_at timestamptz;
alter table plan_status add column approval_detail text;
create index plan_status_held on plan_status (held);
