-- reads: stg_lm_sales (current batch), orders; writes: incoming_orders, incoming_batch; grain: one row per bill
create temp table incoming_orders on commit drop as
select cc.cost_center, 'LM' as source_system, s.store_code as source_store_code, s.bill as source_order_id,
       null::text as source_invoice_no,
       s.bill_date at time zone 'Asia/Kolkata' as order_datetime, s.bill_date::date as order_date,
       s.customer as customer_name, null::text as customer_mobile, null::text as customer_code,
       s.amount as gross_amount, 0::numeric as discount_amount, s.amount as taxable_amount,
       0::numeric as tax_amount, s.amount as net_amount,
       null::jsonb as payment_mode_summary, null::text as payment_status, null::text as order_status,
       staged_payload(to_jsonb(s), s.extra_columns) as source_payload,
       s.source_row_number, s.row_hash as source_row_hash, o.id is null as is_new
from stg_lm_sales s
join cost_centers cc on cc.crm = 'lm' and cc.store_code = s.store_code
left join orders o on o.cost_center = s.cost_center and o.source_system = 'LM' and o.source_order_id = s.bill
where s.load_batch_id = crm_etl_batch()
  -- a bill already built from this very row needs nothing
  and not (crm_etl_skip_unchanged() and o.source_row_hash is not distinct from s.row_hash);

create or replace temp view incoming_batch as
select count(distinct s.bill) as orders, min(s.bill_date)::date as first_order_date, max(s.bill_date)::date as last_order_date
from stg_lm_sales s
where s.load_batch_id = crm_etl_batch();
