-- Manual entry's staging: the template's columns (README.md beside the plugin), plus the lineage the host fills.
create table stg_manual_orders (
    order_id           text,
    invoice_no         text,
    order_date_time    timestamp,
    customer_name      text,
    customer_mobile    text,
    customer_code      text,
    gross_amount       numeric,
    discount           numeric,
    taxable_amount     numeric,
    tax                numeric,
    net_amount         numeric,
    payment_mode       text,
    payment_status     text,
    order_status       text,
    -- lineage (filled by the host)
    source_system      text not null,
    store_code         text,
    cost_center        text,
    file_md5           text,
    load_batch_id      bigint not null,
    source_sheet       text,
    source_row_number  bigint not null,
    extra_columns      jsonb,
    row_hash           text
);
