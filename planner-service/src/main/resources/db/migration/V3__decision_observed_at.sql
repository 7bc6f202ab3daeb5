-- When the facts behind a decision were observed, so a replay of older facts never overrides newer ones.
alter table node_decision add column observed_at timestamptz;
