-- ERPNext's schema: the staging of pulled documents and deletions, the documents as the API gave them, and a
-- business table made from them.
create table stg_erp_documents (
    instance           text,
    doctype            text,
    name               text,
    kind               text,           -- 'document' (a whole document) or 'deleted' (an entry of Deleted Document)
    modified           timestamp,      -- the site's local time; for a deletion, when it was deleted
    docstatus          numeric,
    document_data      jsonb
);

create table erp_documents (
    instance        text not null,
    doctype         text not null,
    name            text not null,
    modified        timestamp not null,   -- the site's local time, as the API gives it
    docstatus       smallint,             -- 0 draft, 1 submitted, 2 cancelled
    document_data   jsonb not null,       -- the whole document, child tables included
    deleted_at      timestamptz,          -- when a pull found it in the instance's Deleted Document
    -- lineage (filled by the host)
    source_hash     text,
    load_batch_id   bigint,
    first_seen_at   timestamptz not null default now(),
    last_seen_at    timestamptz,
    primary key (instance, doctype, name)
);

create index erp_documents_modified on erp_documents (instance, doctype, modified);
-- the daily model's look-up: posting_date as the text Frappe gives (a cast to date is not immutable, so not indexable)
create index erp_documents_posting_date on erp_documents (instance, (document_data ->> 'posting_date'))
    where doctype = 'Sales Invoice';

-- Per instance and posting day: submitted, not deleted Sales Invoices and their grand total.
create table erp_sales_invoice_daily (
    instance        text not null,
    posting_date    date not null,
    invoices        bigint,
    grand_total     numeric(18,2),
    net_total       numeric(18,2),
    customers       bigint,
    load_batch_id   bigint,
    source_hash     text,
    updated_at      timestamptz,
    primary key (instance, posting_date)
);
