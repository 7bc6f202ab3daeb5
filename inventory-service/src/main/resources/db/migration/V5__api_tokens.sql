-- Bearer tokens for people and devices. Only a SHA-256 of each token is kept; the token itself is shown once, when it
-- is created. role: reader | operator | admin | registrar (a device registration token, bound to one site).
create table api_token (
    token_id   varchar(36)  primary key,
    name       varchar(128) not null,
    role       varchar(16)  not null,
    site       varchar(128),
    token_hash varchar(64)  not null unique,
    created_at timestamptz  not null,
    revoked_at timestamptz
);
