-- Ownership (issue 19): a node belongs to the site that first registered it (node.site, changed only by an operator);
-- a cluster named in registrations belongs to the site it was first registered under. A registrar token, or a Kafka
-- registration, may touch only what belongs to its own site (dev.arcfleet.inventory.service.Ownership).
create table cluster_owner (
    cluster_id varchar(253) primary key,
    site       varchar(128),
    claimed_by varchar(128) not null,
    claimed_at timestamptz  not null
);
-- clusters registrations named before this table existed: the site of the node that named them first
insert into cluster_owner (cluster_id, site, claimed_by, claimed_at)
select distinct on (cluster_id) cluster_id, site, 'migration V7', created_at
from node where cluster_id is not null
order by cluster_id, created_at, node_id;

-- Every move of a node to another site: who did it (the token's identity, never a field of the request), when, how.
create table node_site_change (
    id         bigserial    primary key,
    node_id    varchar(253) not null,
    old_site   varchar(128),
    new_site   varchar(128),
    changed_by varchar(128) not null,
    source     varchar(16)  not null,
    changed_at timestamptz  not null
);
create index node_site_change_node on node_site_change (node_id, changed_at);
