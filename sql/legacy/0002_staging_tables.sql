-- Staging: one table per report, one column per report column, plus lineage. Loaded by binary COPY,
-- one load_batch_id per file; kept after the merge so transforms can be re-run (./crm-etl transform).

-- TumbleDry Order Report: the 42 columns of the spec, in order.
create table stg_td_order_report (
    order_date_time        timestamp,      -- IST wall-clock time as the portal shows it
    order_no               text,
    customer_code          text,
    name                   text,
    address                text,
    phone                  text,
    preference             text,
    due_date               timestamp,
    last_activity          timestamp,
    pcs                    text,
    weight                 text,
    gross_amount           numeric,
    discount               numeric,
    tax                    numeric,
    net_amount             numeric,
    advance                numeric,
    paid                   numeric,
    adjustment             numeric,
    balance                numeric,
    advance_received       numeric,
    advance_used           numeric,
    booked_by              text,
    workshop_note          text,
    order_note             text,
    home_delivery          text,
    area_location          text,
    garments_inspected_by  text,
    customer_gstin         text,
    registration_source    text,
    order_from_pos         text,
    package                text,
    package_type           text,
    package_name           text,
    feedback               text,
    tags                   text,
    comment                text,
    primary_services       text,
    top_up_extra_service   text,
    order_status           text,
    last_payment_activity  text,
    package_payment_info   text,
    coupon_code            text,
    -- lineage
    source_system          text not null default 'TD',
    store_code             text not null,
    cost_center            text,
    file_md5               text not null,
    load_batch_id          bigint not null,
    source_row_number      bigint not null,
    extra_columns          jsonb           -- columns the portal added beyond the 42
);

create index stg_td_order_report_batch on stg_td_order_report (load_batch_id);
create index stg_td_order_report_key on stg_td_order_report (store_code, order_no, load_batch_id);

-- UClean GST report: the 13 columns of the spec, in order.
create table stg_uc_gst_report (
    s_no                 text,
    booking_id           text,
    invoice_no           text,
    invoice_date         timestamp,        -- IST, day-first in the file
    customer_name        text,
    customer_ph_no       text,
    payment_status       text,
    customer_gstin       text,
    place_of_supply      text,
    taxable_value        numeric,
    cgst                 numeric,
    sgst                 numeric,
    total_invoice_value  numeric,
    -- lineage
    source_system        text not null default 'UC',
    store_code           text not null,
    cost_center          text,
    file_md5             text not null,
    load_batch_id        bigint not null,
    source_row_number    bigint not null,
    extra_columns        jsonb
);

create index stg_uc_gst_report_batch on stg_uc_gst_report (load_batch_id);
create index stg_uc_gst_report_key on stg_uc_gst_report (store_code, booking_id, load_batch_id);

-- Manual template (plugins/Manual/README.md).
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
    -- lineage
    source_system      text not null default 'MANUAL',
    store_code         text not null,
    cost_center        text,
    file_md5           text not null,
    load_batch_id      bigint not null,
    source_row_number  bigint not null,
    extra_columns      jsonb
);

create index stg_manual_orders_batch on stg_manual_orders (load_batch_id);
create index stg_manual_orders_key on stg_manual_orders (store_code, order_id, load_batch_id);
