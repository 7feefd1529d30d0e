-- Every order books to a cost center of a known store.
-- severity: error
select o.cost_center, o.source_system, o.source_order_id
from orders o
where o.load_batch_id = crm_etl_batch()
  and not exists (select 1 from cost_centers cc where cc.cost_center = o.cost_center)
