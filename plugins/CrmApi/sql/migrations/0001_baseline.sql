-- The CRM's tables as the seed's schema has them (accounts, contacts, deals, deal_aggregations), with the record as
-- the API gave it and lineage; the staging of each entity (its fields; the host adds the lineage); the deals that
-- wait for their account.
create table stg_crm_accounts (
    account_id numeric, account_name text, industry text, account_value numeric, region text, updated_at timestamptz, payload jsonb
);
create table stg_crm_contacts (
    contact_id text, first_name text, last_name text, email text, job_title text, lead_source text,
    last_contact_date timestamp, updated_at timestamptz, payload jsonb
);
create table stg_crm_deals (
    deal_id numeric, deal_name text, deal_size numeric, probability_of_closure text, deal_stage text, account_id numeric,
    created_at timestamptz, updated_at timestamptz, payload jsonb
);

create type crm_region as enum ('North America', 'Europe', 'Asia');
create type crm_lead_source as enum ('Website', 'Referral', 'Email Campaign');
create type crm_deal_stage as enum ('Prospecting', 'Negotiation', 'Closed-Won', 'Closed-Lost');

create table accounts (
    id              serial primary key,
    account_id      integer unique not null,
    account_name    varchar not null,
    industry        varchar not null,
    account_value   integer not null,
    region          crm_region not null,
    updated_at      timestamptz not null,   -- the CRM's: an older record never replaces a newer one
    source_payload  jsonb,
    source_hash     text,
    load_batch_id   bigint,
    last_seen_at    timestamptz
);

create table contacts (
    id                 serial primary key,
    contact_id         varchar unique not null,
    first_name         varchar not null,
    last_name          varchar not null,
    email              varchar not null,
    job_title          varchar,
    lead_source        crm_lead_source not null,
    last_contact_date  date,
    updated_at         timestamptz not null,
    source_payload     jsonb,
    source_hash        text,
    load_batch_id      bigint,
    last_seen_at       timestamptz
);

create table deals (
    id                      serial primary key,
    deal_id                 integer unique not null,
    deal_name               varchar not null,
    deal_size               integer,
    probability_of_closure  varchar not null,
    deal_stage              crm_deal_stage not null,
    account_id              integer not null references accounts (account_id),
    created_at              timestamp not null,   -- UTC
    updated_at              timestamptz not null,
    source_payload          jsonb,
    source_hash             text,
    load_batch_id           bigint,
    last_seen_at            timestamptz
);

create index deals_account on deals (account_id);

-- Per account and period (day, week from Monday, month; UTC): the deals created in it that have a size.
create table deal_aggregations (
    id                serial primary key,
    account_id        integer not null references accounts (account_id),
    aggregation_type  varchar not null check (aggregation_type in ('daily', 'weekly', 'monthly')),
    aggregation_date  date not null,
    total_deal_size   float not null,
    deal_count        integer not null,
    source_hash       text,
    load_batch_id     bigint,
    unique (account_id, aggregation_type, aggregation_date)
);

-- Deals pulled before their account: loaded by a later pull once the account is there.
create table crm_waiting_deals (
    deal_id                 integer primary key,
    deal_name               varchar,
    deal_size               numeric,
    probability_of_closure  varchar,
    deal_stage              varchar,
    account_id              integer,
    created_at              timestamptz,
    updated_at              timestamptz,
    payload                 jsonb,
    load_batch_id           bigint,
    source_hash             text
);
