-- Sales & Delivery report rows -> order_payments: one payment per row. The report selects payments by payment date,
-- so a complete file is the whole truth of its days: a payment of those days it no longer lists is removed (returned
-- with its key only).
-- reads:   batch (every row of the file), cost_centers, window_orders
-- target:  order_payments
-- key:     cost_center, source_order_id, paid_at, payment_seq
-- materialize: rebuild
with listed as (
    select
        cc.cost_center,
        'TD'                                                  as source_system,
        b.store_code                                          as source_store_code,
        b.order_number                                        as source_order_id,
        b.payment_date at time zone 'Asia/Kolkata'            as paid_at,
        row_number() over (partition by cc.cost_center, b.order_number, b.payment_date
                           order by b.source_row_number)::int as payment_seq,
        b.payment_date::date                                  as payment_date,
        b.order_date::date                                    as order_date,
        td_payment_mode(b.payment_mode)                       as payment_mode,
        b.payment_received                                    as amount,
        b.adjustments,
        b.balance,
        nullif(b.online_transaction_id, '')                   as transaction_id,
        b.accept_by                                           as accepted_by,
        b.payment_made_at                                     as made_at,
        b.type                                                as payment_type,
        b.customer_code,
        b.customer_name,
        normalise_mobile(b.customer_mobile)                   as customer_mobile,
        staged_payload(to_jsonb(b), b.extra_columns)          as source_payload,
        b.row_hash                                            as source_row_hash
    from batch b
    join cost_centers cc on cc.crm = 'td' and cc.store_code = b.store_code
)
select * from listed
union all
select p.cost_center, null, null, p.source_order_id, p.paid_at, p.payment_seq,
       null, null, null, null, null, null, null, null, null, null, null, null, null, null, null
from order_payments p
join window_orders w on w.cost_center = p.cost_center and w.source_order_id = p.source_order_id
where p.payment_date between crm_etl_window_from() and crm_etl_window_to()
  and not exists (select 1 from listed l where l.cost_center = p.cost_center and l.source_order_id = p.source_order_id
                                         and l.paid_at = p.paid_at and l.payment_seq = p.payment_seq)
