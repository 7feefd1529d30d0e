-- What the payments say of their orders: the sum received per mode (payment_mode_summary) and the payment status,
-- for the orders of this file's payments and of the payments it removed. An order not loaded yet is left to the
-- orders models, which attach its payments when it comes.
-- target:  orders
-- key:     cost_center, source_system, source_order_id
-- materialize: update
with touched as (
    select cc.cost_center, b.order_number as source_order_id
    from batch b
    join cost_centers cc on cc.crm = 'td' and cc.store_code = b.store_code
    union
    select w.cost_center, w.source_order_id from window_orders w
)
select
    o.cost_center,
    o.source_system,
    o.source_order_id,
    pay.payment_mode_summary,
    td_payment_status(o.net_amount, (o.source_payload ->> 'balance')::numeric, (o.source_payload ->> 'paid')::numeric,
                      (o.source_payload ->> 'advance')::numeric, pay.paid, pay.last_balance) as payment_status
from touched t
join orders o on o.cost_center = t.cost_center and o.source_system = 'TD' and o.source_order_id = t.source_order_id
cross join lateral td_order_payments(o.cost_center, o.source_order_id) pay
