-- DIRECT_AGENT hand-off: the kits made for sites (who made each and when) and the kit that last held each plan.
create table handoff_kit (
    kit_id     varchar(64)  primary key,
    site       varchar(128) not null,
    created_by varchar(200) not null,
    created_at timestamptz  not null,
    nodes      int          not null,
    script     text         not null,
    inventory  text         not null
);
create index handoff_kit_site on handoff_kit (site, created_at);
alter table plan add column handoff_kit varchar(64);
create index plan_awaiting_handoff on plan (route, state);
