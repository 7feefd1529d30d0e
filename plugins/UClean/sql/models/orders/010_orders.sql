-- UClean GST report rows -> orders: one order per booking.
-- reads:   batch (the file's rows, one per Booking ID: its last row in the file), cost_centers
-- target:  orders
-- key:     cost_center, source_system, source_order_id
select
    -- identity: Booking ID is the order, Invoice No. its bill
    cc.cost_center,
    'UC'                                              as source_system,
    b.store_code                                      as source_store_code,
    b.booking_id                                      as source_order_id,
    b.invoice_no                                      as source_invoice_no,

    -- time: Invoice Date, IST, day first in the file
    b.invoice_date at time zone 'Asia/Kolkata'        as order_datetime,
    b.invoice_date::date                              as order_date,

    -- customer
    b.customer_name,
    normalise_mobile(b.customer_ph_no)                as customer_mobile,
    null::text                                        as customer_code,

    -- money: the GST report has no gross or discount, only the taxable value and its GST
    null::numeric                                     as gross_amount,
    null::numeric                                     as discount_amount,
    b.taxable_value                                   as taxable_amount,
    b.cgst + b.sgst                                   as tax_amount,
    b.total_invoice_value                             as net_amount,

    -- status
    null::jsonb                                       as payment_mode_summary,
    case lower(b.payment_status)                      -- staged text is trimmed, its white space folded
        when 'paid'           then 'Paid'
        when 'pending'        then 'Pending'
        when 'unpaid'         then 'Pending'
        when 'partially paid' then 'Partially Paid'
        when 'partial'        then 'Partially Paid'
        else b.payment_status
    end                                               as payment_status,
    null::text                                        as order_status,

    -- the raw row: every report column but S.No., plus columns the portal added. S.No. is only the row's position
    -- in the file (it is left out of the row hash too), so an earlier invoice added to an export updates no other.
    staged_payload(to_jsonb(b), b.extra_columns, '{s_no}') as source_payload,
    b.row_hash                                        as source_row_hash
from batch b
join cost_centers cc on cc.crm = 'uc' and cc.store_code = b.store_code
