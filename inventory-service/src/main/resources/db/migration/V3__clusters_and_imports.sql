-- Kubernetes clusters whose Node objects the inventory watches. Only a reference to the credentials is kept
-- (a kubeconfig file path or a Secret's coordinates), never the kubeconfig itself.
create table cluster (
    cluster_id            varchar(63)  primary key,
    site                  varchar(128),
    distribution          varchar(64),
    device_class          varchar(32),
    required_capabilities varchar(512) not null default '',
    access_mode           varchar(32)  not null,
    kubeconfig_path       varchar(1024),
    secret_namespace      varchar(63),
    secret_name           varchar(253),
    secret_key            varchar(253),
    created_at            timestamptz  not null
);

-- Bulk imports from files: progress while running, the outcome (with the first errors) once finished.
create table bulk_import (
    import_id       varchar(36)  primary key,
    format          varchar(16)  not null,
    state           varchar(16)  not null,
    lines           bigint       not null default 0,
    accepted        bigint       not null default 0,
    unchanged       bigint       not null default 0,
    rejected        bigint       not null default 0,
    errors          text,
    errors_omitted  bigint       not null default 0,
    message         text,
    started_at      timestamptz  not null,
    updated_at      timestamptz  not null,
    finished_at     timestamptz
);
create index bulk_import_started on bulk_import (started_at);
