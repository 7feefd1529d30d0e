-- No order is dated after today (in IST): a date like that is a misread date, not a sale.
-- severity: error
select o.cost_center, o.source_system, o.source_order_id, o.order_date
from orders o
where o.load_batch_id = crm_etl_batch()
  and o.order_date > (now() at time zone 'Asia/Kolkata')::date
