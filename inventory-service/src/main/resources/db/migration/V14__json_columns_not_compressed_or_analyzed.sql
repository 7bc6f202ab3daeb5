-- Two costs PostgreSQL paid on every registration for columns nobody searches: the JSON documents (a node's facts, its
-- latest decision, a status event's detail, an outbox row's payload). A perf profile of a measured round
-- (docs/benchmarks.md, 2026-12-06 06:00) put 5 % of PostgreSQL's CPU in pglz_compress and about 12 % in autovacuum's
-- ANALYZE, most of it sorting sampled JSON documents under the database's collation.
--
-- 1. Compression. A row longer than about 2 kB makes PostgreSQL try to compress its longest value before it stores
--    the row (heap_toast_insert_or_update in src/backend/access/heap/heaptoast.c: it compresses while the row is over
--    the table's toast_tuple_target). Our JSON did not compress enough to be kept: of the 197,518 decisions on that
--    run's stack none was stored compressed, so every attempt was lost work. toast_tuple_target = 8160 (the largest
--    value of that storage parameter, "CREATE TABLE" in PostgreSQL's documentation) leaves rows under 8 kB as they
--    are; a longer one is still compressed or moved out of line.
-- 2. Statistics. ANALYZE samples up to 30,000 rows and sorts each sampled column's values to find the common ones and
--    a histogram. No statement filters, joins or sorts on these columns, so their statistics are never read; a column
--    whose statistics target is 0 is left out of ANALYZE (the notes of ANALYZE in PostgreSQL's documentation: a
--    target of zero is meant for columns never used in WHERE, GROUP BY or ORDER BY).
-- Both are catalog changes: no row is rewritten, and existing rows keep their storage.
alter table outbox_event set (toast_tuple_target = 8160);
alter table outbox_event alter column payload set statistics 0;
alter table node alter column facts set statistics 0;
alter table latest_decision alter column decision set statistics 0;
alter table status_event alter column detail set statistics 0;
