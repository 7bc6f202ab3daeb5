-- A decision row (the node's facts and the decision, both JSON, about 2.1 kB together) is longer than the 2 kB at
-- which PostgreSQL tries to compress a value before storing the row; on the stack of a measured round none of its
-- 197,518 decisions compressed enough to be kept, and the attempts were 5 % of PostgreSQL's CPU. No statement
-- filters, joins or sorts on the JSON columns, so ANALYZE's statistics of them (sampled values sorted under the
-- database's collation, most of autovacuum's CPU in that round) are never read. The inventory's V14 says more, with the
-- sources (docs/benchmarks.md, 2026-12-06 06:00). Catalog changes only: no row is rewritten.
alter table node_decision set (toast_tuple_target = 8160);
alter table node_decision alter column facts set statistics 0;
alter table node_decision alter column decision set statistics 0;
alter table plan alter column capabilities set statistics 0;
alter table plan alter column parameters set statistics 0;
alter table outbox_event set (toast_tuple_target = 8160);
alter table outbox_event alter column payload set statistics 0;
