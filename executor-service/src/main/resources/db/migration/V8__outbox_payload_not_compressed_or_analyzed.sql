-- The outbox table is shared by every service (db/support V1) and tuned alike in each: a row is deleted once relayed,
-- so compressing its payload is lost work, and its payload's statistics are never read. The inventory's V14 says
-- why, with the sources (docs/benchmarks.md, 2026-12-06 06:00). Catalog changes only: no row is rewritten.
alter table outbox_event set (toast_tuple_target = 8160);
alter table outbox_event alter column payload set statistics 0;
