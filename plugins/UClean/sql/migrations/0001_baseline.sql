-- UClean's staging: the GST report, one column per report column (the 13 of ../shared/spec/portals.md, in order),
-- plus the lineage the host fills.
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
    -- lineage (filled by the host)
    source_system        text not null,
    store_code           text,
    cost_center          text,
    file_md5             text,
    load_batch_id        bigint not null,
    source_sheet         text,
    source_row_number    bigint not null,
    extra_columns        jsonb,
    row_hash             text
);
