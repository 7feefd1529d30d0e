-- The host's schema: what every source shares. Plugins add their own staging and target tables in their
-- sql/migrations. A database made before this baseline is upgraded in place by sql/upgrades/from_legacy.sql.
-- Run once, journaled in migration_journal. Never edit after it has been applied; add a new file.

------------------------------------------------------------------------------------------------------------
-- Stores: which cost center a CRM store books to. Filled from the stores of crm-etl.json at every start.
create table cost_centers (
    crm            text not null,          -- plugin key: td, uc, manual
    store_id       text not null,          -- the --store value: a668, sector56
    store_code     text not null,          -- code the portal uses: a668, UC567
    store_name     text not null,
    cost_center    text not null,
    source_system  text,                   -- what the plugin writes into orders.source_system: TD, UC
    primary key (crm, store_code),
    unique (crm, store_id)
);

------------------------------------------------------------------------------------------------------------
-- The unified sales fact table of the SRS, shared by the order plugins (TumbleDry, UClean, manual entry).
create table orders (
    id                    bigserial primary key,
    cost_center           text not null,
    source_system         text not null,
    source_store_code     text,
    source_order_id       text not null,
    source_invoice_no     text,
    order_datetime        timestamptz not null,
    order_date            date not null,

    customer_name         text,
    customer_mobile       text,
    customer_code         text,

    gross_amount          numeric(12,2),
    discount_amount       numeric(12,2),
    taxable_amount        numeric(12,2),
    tax_amount            numeric(12,2),
    net_amount            numeric(12,2),

    payment_mode_summary  jsonb,
    payment_status        text,
    order_status          text,

    source_payload        jsonb,
    source_hash           text not null,     -- a hash of the columns its model wrote (kept by the host)

    created_at            timestamptz default now(),
    updated_at            timestamptz default now(),

    -- lineage, kept by the host: the batch that last wrote the order, and the staged row it was built from
    load_batch_id         bigint,
    source_row_hash       text,

    unique (cost_center, source_system, source_order_id)
);

create index orders_order_date on orders (cost_center, order_date);
create index orders_load_batch on orders (load_batch_id);

-- A payload is about 1.5 kB of JSON; lz4 compresses it several times faster than pglz. A server without lz4 keeps
-- the default (the statement runs through EXECUTE so that it can fail softly).
do $$
begin
    execute 'alter table orders alter column source_payload set compression lz4';
exception when others then
    raise notice 'source_payload keeps the default compression: %', sqlerrm;
end
$$;

------------------------------------------------------------------------------------------------------------
-- Run records. One row per ingestion run (a file, or one scope of a pull):
-- running -> succeeded | failed | no_data | duplicate (| abandoned, when its process died).
create table ingest_audit (
    run_id          bigserial primary key,
    invocation_id   uuid,                  -- one crm-etl command; groups its runs
    crm             text not null,
    dataset         text not null,         -- which of the plugin's datasets (orders, payments, appointments)
    store           text,                  -- store id, for a source with stores
    store_code      text,
    cost_center     text,
    scope           text,                  -- a pull's scope (instance/doctype, entity); null for files
    filename        text,
    file_path       text,
    from_date       date,
    to_date         date,
    md5_hash        text,
    load_batch_id   bigint,
    rows_read       bigint,                -- data rows in the file (or records pulled)
    rows_staged     bigint,                -- of them, staged (a big file leaves out rows already loaded as they are)
    rows_rejected   bigint,                -- rows that could not be loaded (ingest_rejects)
    inserted_rows   bigint,                -- summed over the tables the run wrote
    updated_rows    bigint,
    unchanged_rows  bigint,
    table_counts    jsonb,                 -- [{"table": "orders", "inserted": n, "updated": n, "unchanged": n, "deleted": n}]
    started_at      timestamptz not null default now(),
    finished_at     timestamptz,
    status          text not null default 'running'
                    check (status in ('running', 'succeeded', 'failed', 'no_data', 'duplicate', 'abandoned')),
    error_step      text,
    error_message   text,
    host            text,
    pid             integer
);

create index ingest_audit_store on ingest_audit (crm, store, started_at desc);
create index ingest_audit_md5 on ingest_audit (crm, store_code, md5_hash) where status in ('succeeded', 'no_data');
create index ingest_audit_running on ingest_audit (status) where status = 'running';
create index ingest_audit_batch on ingest_audit (crm, dataset, store_code) where load_batch_id is not null;

-- One row per file obtained (downloaded, or handed to `ingest`), with what became of it.
create table download_ledger (
    id             bigserial primary key,
    invocation_id  uuid,
    crm            text not null,
    dataset        text,
    store          text,
    store_code     text,
    filename       text not null,
    file_path      text,
    from_date      date,
    to_date        date,
    md5_hash       text,
    file_size      bigint,
    origin         text not null default 'download' check (origin in ('download', 'ingest')),
    downloaded_at  timestamptz not null default now(),
    status         text not null check (status in ('downloaded', 'skipped', 'failed', 'duplicate')),
    failure_kind   text,
    error_message  text,
    rows_rejected  bigint,
    table_counts   jsonb,
    ingest_run_id  bigint references ingest_audit (run_id),
    updated_at     timestamptz not null default now()
);

create index download_ledger_store on download_ledger (crm, store, downloaded_at desc);

-- Rows that could not be loaded: the run, where the row was, the value at fault and why.
create table ingest_rejects (
    id           bigserial primary key,
    run_id       bigint references ingest_audit (run_id),   -- null for a re-run of a batch without its run (transform)
    crm          text not null,
    dataset      text not null,
    file         text,
    sheet        text,
    row_number   bigint,
    column_name  text,
    value        text,
    reason       text not null,
    model        text,                     -- the model that rejected it; null: the file could not be read there
    created_at   timestamptz not null default now()
);

create index ingest_rejects_run on ingest_rejects (run_id);

-- Checks (sql/checks) that found rows after a load: warnings kept, errors (which rolled the load back) too.
create table ingest_checks (
    id           bigserial primary key,
    run_id       bigint references ingest_audit (run_id),   -- null for a re-run of a batch without its run (transform)
    check_name   text not null,
    severity     text not null check (severity in ('warn', 'error')),
    failed_rows  bigint not null,
    sample       jsonb,                    -- the first offending rows
    created_at   timestamptz not null default now()
);

create index ingest_checks_run on ingest_checks (run_id);

-- Where a pull of a source's scope stopped: committed with the rows it covers.
create table source_cursors (
    crm         text not null,
    scope       text not null,
    cursor      text,
    run_id      bigint references ingest_audit (run_id),
    updated_at  timestamptz not null default now(),
    primary key (crm, scope)
);

-- The staging batch of every run.
create sequence load_batch_seq;

-- Per dataset (crm/dataset): the version of the models (a hash of their SQL) that every row of its tables was
-- built with; null: not known (the models changed since). While known, a big file stages only what changed.
create table transform_state (
    source      text primary key,
    version     text,
    updated_at  timestamptz not null default now()
);

-- The md5 of every file the host has hashed, by its full path and what stat says of it: size, modification and
-- change times, inode. A file written again, even with its old modification time put back, has another change time.
create table file_hashes (
    path       text primary key,
    stat       text not null,
    md5_hash   text not null,
    hashed_at  timestamptz not null default now()
);

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

------------------------------------------------------------------------------------------------------------
-- Helpers for models and checks. Functions live in migrations (not in models) because loads run at once and must
-- not redefine them under each other; every one is parallel safe, or a query using it runs on one core.

-- The batch being loaded; the run's window (the days the file covers). The host sets them for each run.
-- In psql:  set crmetl.load_batch_id = 42;
create function crm_etl_batch() returns bigint
language sql stable parallel safe as $$
    select nullif(current_setting('crmetl.load_batch_id', true), '')::bigint
$$;

create function crm_etl_window_from() returns date
language sql stable parallel safe as $$
    select nullif(current_setting('crmetl.window_from', true), '')::date
$$;

create function crm_etl_window_to() returns date
language sql stable parallel safe as $$
    select nullif(current_setting('crmetl.window_to', true), '')::date
$$;

-- A 10-digit Indian mobile number from its digits: 10 digits after an optional 0, 91 or 091; null otherwise.
create function mobile_from_digits(digits text) returns text
language plpgsql immutable strict parallel safe as $$
begin
    return case
        when length(digits) between 10 and 13 and left(digits, length(digits) - 10) in ('', '0', '91', '091')
        then right(digits, 10)
    end;
end
$$;

-- A 10-digit Indian mobile number from what people and portals write (+91, a leading 0, spaces, dashes, a number
-- cell); null when the digits are not such a number. The digits are taken out once and checked in PL/pgSQL: a
-- regular expression doing both costs four times as much per phone.
create function normalise_mobile(raw text) returns text
language sql immutable parallel safe as $$
    select mobile_from_digits(regexp_replace(raw, '[^0-9]', '', 'g'))
$$;

-- A staged row's payload: the row (as jsonb) without the lineage columns the host adds, plus the columns the
-- source added (extra_columns). also_drop: report columns left out as well (a serial number). One expression
-- using each argument once, so it is inlined and to_jsonb runs once per row.
create function staged_payload(staged jsonb, extra_columns jsonb, also_drop text[] default '{}') returns jsonb
language sql immutable parallel safe as $$
    select (staged - array['source_system', 'store_code', 'cost_center', 'file_md5', 'load_batch_id',
                           'source_sheet', 'source_row_number', 'extra_columns', 'row_hash'] - also_drop)
           || coalesce(extra_columns, '{}'::jsonb)
$$;
