-- The revision of the same plan and action that replaced this execution: it stops at its next step boundary (state
-- SUPERSEDED), and workers claim no execution of a plan while an older one of that plan is unfinished.
alter table execution add column superseded_by varchar(64);
