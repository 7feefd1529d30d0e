-- Unattended operation: alert bookkeeping, and the lookups the watchdog and freshness checks make.

-- One row per store and alert kind: when it was last sent, and whether the store has since recovered.
create table alert_state (
    crm           text not null,
    store         text not null,
    kind          text not null,            -- session_expired, failed, timeout, portal_changed, portal_unavailable, stale
    last_sent_at  timestamptz not null,
    open          boolean not null default true,   -- false once a recovery message went out
    message       text,
    primary key (crm, store, kind)
);

create index ingest_audit_running on ingest_audit (status) where status = 'running';
