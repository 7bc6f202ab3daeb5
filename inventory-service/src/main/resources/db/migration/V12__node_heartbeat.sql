-- Heartbeats' last-seen times in a narrow row of their own. LastSeen's batched flush used to rewrite the wide node row
-- (its facts) into every index of node, last_seen_at being indexed: 353 ms per flush of 5,000 times
-- (docs/benchmarks.md, 2026-12-04). Now it writes this row, whose only index is its key, so the update can stay on its
-- page (HOT; half of each page is left free for it). A registration that changes facts still sets node.last_seen_at;
-- a node was last seen at the later of the two. The stale listing, an operator's request, reads both without an index.
create table node_heartbeat (
    node_id varchar(253) primary key references node (node_id) on delete cascade,
    seen_at timestamptz  not null
) with (fillfactor = 50);
drop index node_last_seen;
