-- Core tables: the store map, the unified orders fact table, and the records of every file and run.
-- Run once, journaled in migration_journal. Never edit after it has been applied; add a new file.

-- Which cost center a CRM store books to. Stores beyond these four: insert here, or list them in crm-etl.json.
create table cost_centers (
    crm          text not null,            -- plugin key: td, uc, manual
    store_id     text not null,            -- the --store value: a668, sector56
    store_code   text not null,            -- code the portal uses: a668, UC567
    store_name   text not null,
    cost_center  text not null,
    primary key (crm, store_code),
    unique (crm, store_id)
);

insert into cost_centers (crm, store_id, store_code, store_name, cost_center) values
    ('td', 'a668',        'a668',  'Uttam Nagar', 'UN3668'),
    ('td', 'a817',        'a817',  'Kirti Nagar', 'KN3817'),
    ('uc', 'sector56',    'UC567', 'Sector 56',   'SC3567'),
    ('uc', 'sushantlok1', 'UC610', 'Sushant Lok', 'SL1610');

-- The unified fact table, exactly as the SRS defines it.
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
    source_hash           text not null,

    created_at            timestamptz default now(),
    updated_at            timestamptz default now(),

    unique (cost_center, source_system, source_order_id)
);

create index orders_order_date on orders (cost_center, order_date);

-- One row per ingestion run (one file for one store): running -> succeeded | failed | no_data | duplicate.
create table ingest_audit (
    run_id          bigserial primary key,
    invocation_id   uuid,                  -- one crm-etl command; groups its runs
    crm             text not null,
    store           text not null,         -- store id
    store_code      text,
    cost_center     text,
    filename        text,
    file_path       text,
    from_date       date,
    to_date         date,
    md5_hash        text,
    load_batch_id   bigint,
    rows_staged     bigint,
    inserted_rows   bigint,
    updated_rows    bigint,
    unchanged_rows  bigint,
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

-- One row per file obtained (downloaded, or handed to `ingest`), with what became of it.
create table download_ledger (
    id             bigserial primary key,
    invocation_id  uuid,
    crm            text not null,
    store          text not null,
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
    ingest_run_id  bigint references ingest_audit (run_id),
    updated_at     timestamptz not null default now()
);

create index download_ledger_store on download_ledger (crm, store, downloaded_at desc);

create sequence load_batch_seq;
