-- ARM's request budget, one token bucket per (subscription, principal, kind) shared by every executor replica, and
-- the subscription-wide ceiling as the row of principal '*'. kind: READ, WRITE or DELETE. tokens may go below zero:
-- reservations queue behind the bucket. held_until: a 429's Retry-After, holding every replica. burst and per_second
-- are the bucket's size as last configured (dev.arcfleet.executor.azure.ArmBudget).
create table arm_budget (
    subscription_id varchar(64)      not null,
    principal       varchar(128)     not null,
    kind            varchar(8)       not null,
    tokens          double precision not null,
    refilled_at     timestamptz      not null,
    held_until      timestamptz,
    burst           double precision not null,
    per_second      double precision not null,
    primary key (subscription_id, principal, kind)
);
