-- Upgrades a database made before the baseline (its journal ends at core/0013_rows_read.sql, the scripts kept in
-- sql/legacy) to the schema the baselines make, keeping every order, run record and staged row. The host runs it
-- once, in one transaction, and then journals the baselines it stands for as applied:
-- stands for: core/0001_baseline.sql, plugins/TumbleDry/0001_baseline.sql, plugins/UClean/0001_baseline.sql, plugins/Manual/0001_baseline.sql

-- Run records for any source: the dataset of a run (every run so far loaded orders), a pull's scope, rejects and
-- per-table counts; a source without stores leaves store empty.
alter table ingest_audit add column dataset text not null default 'orders';
alter table ingest_audit alter column dataset drop default;
alter table ingest_audit add column scope text, add column rows_rejected bigint, add column table_counts jsonb;
alter table ingest_audit alter column store drop not null;
update ingest_audit
   set table_counts = jsonb_build_array(jsonb_build_object('table', 'orders', 'inserted', inserted_rows, 'updated', updated_rows,
                                                           'unchanged', unchanged_rows, 'deleted', 0))
 where status = 'succeeded';
create index ingest_audit_batch on ingest_audit (crm, dataset, store_code) where load_batch_id is not null;

alter table download_ledger add column dataset text, add column rows_rejected bigint, add column table_counts jsonb;
alter table download_ledger alter column store drop not null;
update download_ledger set dataset = 'orders';

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

create table ingest_checks (
    id           bigserial primary key,
    run_id       bigint references ingest_audit (run_id),   -- null for a re-run of a batch without its run (transform)
    check_name   text not null,
    severity     text not null check (severity in ('warn', 'error')),
    failed_rows  bigint not null,
    sample       jsonb,
    created_at   timestamptz not null default now()
);
create index ingest_checks_run on ingest_checks (run_id);

create table source_cursors (
    crm         text not null,
    scope       text not null,
    cursor      text,
    run_id      bigint references ingest_audit (run_id),
    updated_at  timestamptz not null default now(),
    primary key (crm, scope)
);

-- A store's source system (the host fills it from its plugin at every start).
alter table cost_centers add column source_system text;

-- Remembered md5s are keyed by more of what stat says (the change time, which no copy tool sets back): a cache,
-- started afresh.
drop table file_hashes;
create table file_hashes (
    path       text primary key,
    stat       text not null,
    md5_hash   text not null,
    hashed_at  timestamptz not null default now()
);

-- Checks read what a batch wrote by its lineage.
create index orders_load_batch on orders (load_batch_id);

-- Models replace the transforms: their version is per dataset now, and not known until `transform --all`.
update transform_state set source = source || '/orders', version = null;
drop function crm_etl_skip_unchanged();

create function crm_etl_window_from() returns date
language sql stable parallel safe as $$
    select nullif(current_setting('crmetl.window_from', true), '')::date
$$;

create function crm_etl_window_to() returns date
language sql stable parallel safe as $$
    select nullif(current_setting('crmetl.window_to', true), '')::date
$$;

create or replace function staged_payload(staged jsonb, extra_columns jsonb, also_drop text[] default '{}') returns jsonb
language sql immutable parallel safe as $$
    select (staged - array['source_system', 'store_code', 'cost_center', 'file_md5', 'load_batch_id',
                           'source_sheet', 'source_row_number', 'extra_columns', 'row_hash'] - also_drop)
           || coalesce(extra_columns, '{}'::jsonb)
$$;

-- The order plugins' staging tables gain the lineage every staging table has now.
alter table stg_td_order_report add column source_sheet text;
alter table stg_uc_gst_report add column source_sheet text;
alter table stg_manual_orders add column source_sheet text;
