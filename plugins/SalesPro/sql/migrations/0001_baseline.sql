-- SalesPro's schema: the staging table of the appointments export (its columns; the host adds the lineage),
-- the appointments, the sales reps seen in them, and the import history the old importer kept.
create table stg_salespro_appointments (
    id                      text,
    created_at              timestamptz,
    updated_at              timestamptz,
    is_sale                 boolean,
    result_full_string      text,
    customer_last_name      text,
    customer_first_name     text,
    customer_estimate_name  text,
    salesrep_email          text,
    salesrep_first_name     text,
    salesrep_last_name      text,
    sale_amount             numeric
);

create table salespro_appointment (
    appointment_id          text primary key,
    created_at              timestamptz not null,
    updated_at              timestamptz not null,  -- SalesPro's _updated_at: a row older than this changes nothing
    is_sale                 boolean not null,
    result_full_string      text,
    customer_first_name     text,
    customer_last_name      text,
    customer_estimate_name  text,
    salesrep_email          text,                  -- lower case
    salesrep_first_name     text,
    salesrep_last_name      text,
    sale_amount             numeric(12,2),         -- USD; null when blank
    source_payload          jsonb,                 -- every column of the row, under its header
    -- lineage (filled by the host)
    load_batch_id           bigint,
    source_hash             text,
    source_row_hash         text,
    first_loaded_at         timestamptz not null default now(),
    last_seen_at            timestamptz
);

create index salespro_appointment_salesrep on salespro_appointment (salesrep_email);
create index salespro_appointment_created on salespro_appointment (created_at);

create table salespro_users (
    email          text primary key,               -- lower case
    first_name     text,
    last_name      text,
    first_seen_at  timestamptz,                    -- their first appointment's _created_at
    last_seen_at   timestamptz,                    -- their latest appointment's _updated_at
    appointments   bigint,
    sales          bigint,
    -- lineage (filled by the host)
    load_batch_id  bigint,
    source_hash    text,
    updated_at     timestamptz
);

-- The old importer's SalesPro_SyncHistory, read from the host's run records: one row per import of an export.
create view salespro_sync_history as
select
    a.run_id                                    as id,
    'csv_appointments'::text                    as sync_type,
    a.started_at,
    a.finished_at,
    a.status,
    coalesce(a.rows_read, 0)::bigint            as records_processed,
    coalesce(t.inserted, 0)::bigint             as records_created,
    coalesce(t.updated, 0)::bigint              as records_updated,
    coalesce(a.rows_rejected, 0)::bigint        as records_rejected,
    a.error_message,
    a.file_path
from ingest_audit a
left join lateral (
    select sum((c ->> 'inserted')::bigint) as inserted, sum((c ->> 'updated')::bigint) as updated
    from jsonb_array_elements(coalesce(a.table_counts, '[]'::jsonb)) c
    where c ->> 'table' = 'salespro_appointment'
) t on true
where a.crm = 'salespro' and a.dataset = 'appointments';
