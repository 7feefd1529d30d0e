-- Orders this load found gone from the portal: a complete file of their days no longer lists them. They are kept,
-- marked (orders.source_missing_since); this says how many, with the run.
-- severity: warn
select o.cost_center, o.source_system, o.source_order_id, o.order_date
from orders o
where o.source_missing_batch = crm_etl_batch()
