-- Approval of executable plans: the last approval or rejection of a plan's revision, by whom (rule:<name> for a policy
-- approval rule, else the operator's token identity), when and why. AWAITING_APPROVAL needs a wider state column.
alter table plan alter column state type varchar(32);
alter table plan add column approval_state varchar(16);
alter table plan add column approval_revision varchar(64);
alter table plan add column approval_by varchar(200);
alter table plan add column approval_at timestamptz;
alter table plan add column approval_reason text;
create index plan_state on plan (state);
