-- TumbleDry Order Report rows -> orders: one order per row of the report.
-- reads:   batch (the file's rows, one per Order No.: its last row in the file), cost_centers, paid_orders
-- target:  orders
-- key:     cost_center, source_system, source_order_id
select
    -- identity
    cc.cost_center,
    'TD'                                              as source_system,
    b.store_code                                      as source_store_code,
    b.order_no                                        as source_order_id,
    null::text                                        as source_invoice_no,   -- the Order Report has none

    -- time: the portal shows IST wall-clock times
    b.order_date_time at time zone 'Asia/Kolkata'     as order_datetime,
    b.order_date_time::date                           as order_date,

    -- customer
    b.name                                            as customer_name,
    normalise_mobile(b.phone)                         as customer_mobile,
    b.customer_code,

    -- money (blank cells arrive as 0)
    b.gross_amount,
    b.discount                                        as discount_amount,
    b.gross_amount - b.discount                       as taxable_amount,
    b.tax                                             as tax_amount,
    b.net_amount,

    -- status: payment modes come with the Sales & Delivery report (paid_orders: payments loaded before the order;
    -- later ones update the order from the payments models)
    pay.payment_mode_summary,
    td_payment_status(b.net_amount, b.balance, b.paid, b.advance, pay.paid, pay.last_balance)
                                                      as payment_status,
    case lower(b.order_status)                        -- staged text is trimmed, its white space folded
        when 'pending'    then 'Pending'
        when 'in process' then 'In Process'
        when 'inprocess'  then 'In Process'
        when 'in-process' then 'In Process'
        when 'ready'      then 'Ready'
        when 'delivered'  then 'Delivered'
        when 'cancelled'  then 'Cancelled'
        when 'canceled'   then 'Cancelled'
        else b.order_status                           -- unknown statuses are kept as written
    end                                               as order_status,

    -- the raw row: every report column, plus columns the portal added; and which staged row it is
    staged_payload(to_jsonb(b), b.extra_columns)      as source_payload,
    b.row_hash                                        as source_row_hash
from batch b
join cost_centers cc on cc.crm = 'td' and cc.store_code = b.store_code
left join paid_orders pay on pay.store_code = b.store_code and pay.order_no = b.order_no
