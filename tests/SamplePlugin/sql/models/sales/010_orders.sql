-- A laundromat's bills -> orders: one order per bill.
-- target: orders
-- key:    cost_center, source_system, source_order_id
select cc.cost_center, 'LM' as source_system, b.store_code as source_store_code, b.bill as source_order_id,
       b.bill_date at time zone 'Asia/Kolkata' as order_datetime, b.bill_date::date as order_date,
       b.customer as customer_name,
       b.amount as gross_amount, 0 as discount_amount, b.amount as taxable_amount, 0 as tax_amount, b.amount as net_amount,
       staged_payload(to_jsonb(b), b.extra_columns) as source_payload,
       b.row_hash as source_row_hash
from batch b
join cost_centers cc on cc.crm = 'lm' and cc.store_code = b.store_code
