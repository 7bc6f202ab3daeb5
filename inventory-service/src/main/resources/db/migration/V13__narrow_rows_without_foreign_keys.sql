-- The narrow rows of a node (its latest decision, V11, and its heartbeat, V12) no longer hold a foreign key to node.
-- PostgreSQL checks such a key on every insert by locking the referenced row (FOR KEY SHARE): the lock is written into
-- the wide node row's page, and into the write-ahead log, often as a whole page after a checkpoint, for each node's
-- first decision and first heartbeat (docs/benchmarks.md, 2026-12-04 20:45). The key guarded nothing our statements
-- could break: both writers insert only for a node that exists (where exists (select 1 from node ...)), and a node is
-- never deleted; it leaves the fleet retired, its rows kept. A deletion of nodes, should one come, deletes their
-- latest_decision and node_heartbeat rows in the same transaction.
alter table latest_decision drop constraint latest_decision_node_id_fkey;
alter table node_heartbeat drop constraint node_heartbeat_node_id_fkey;
