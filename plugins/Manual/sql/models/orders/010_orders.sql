-- Hand-typed orders (template.csv) -> orders.
-- reads:   batch (the file's rows, one per Order ID: its last row in the file)
-- target:  orders
-- key:     cost_center, source_system, source_order_id
-- The store was looked up in cost_centers when the file was loaded; its cost center is on the row.
select
    -- identity
    b.cost_center,
    'MANUAL'                                          as source_system,
    b.store_code                                      as source_store_code,
    b.order_id                                        as source_order_id,
    b.invoice_no                                      as source_invoice_no,

    -- time (IST)
    b.order_date_time at time zone 'Asia/Kolkata'     as order_datetime,
    b.order_date_time::date                           as order_date,

    -- customer
    b.customer_name,
    normalise_mobile(b.customer_mobile)               as customer_mobile,
    b.customer_code,

    -- money
    b.gross_amount,
    b.discount                                        as discount_amount,
    b.taxable_amount,
    b.tax                                             as tax_amount,
    b.net_amount,

    -- status: one payment mode per order, carrying the whole net amount
    case when b.payment_mode is not null
         then jsonb_build_object(b.payment_mode, b.net_amount::numeric(12,2)) end as payment_mode_summary,
    b.payment_status,
    b.order_status,

    -- the raw row: every column of the file, plus columns added to it; and which staged row it is
    staged_payload(to_jsonb(b), b.extra_columns)      as source_payload,
    b.row_hash                                        as source_row_hash
from batch b
