-- What an execution does for its plan: ONBOARD (every execution before offboarding existed) or OFFBOARD.
alter table execution add column action varchar(16) not null default 'ONBOARD';
