-- When a node was last seen (a registration or a discovery sighting), for listing stale nodes. Registrations of
-- unchanged facts do not write it one by one: the service coalesces them in memory and writes them in batches.
alter table node add column last_seen_at timestamptz;
update node set last_seen_at = updated_at;
alter table node alter column last_seen_at set not null;
create index node_last_seen on node (last_seen_at) where not retired;
