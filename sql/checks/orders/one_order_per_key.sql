-- One sale is one order: an order number of a store that came from another source too (a CRM's order also typed in
-- by hand) would be counted twice in the sales. Each order is looked up under the other sources of its store.
-- severity: warn
select o.cost_center, o.source_order_id, o.source_system, other.source_system as also_from
from orders o
join cost_centers cc on cc.cost_center = o.cost_center and cc.source_system <> o.source_system
join orders other on other.cost_center = o.cost_center and other.source_system = cc.source_system
                 and other.source_order_id = o.source_order_id
where o.load_batch_id = crm_etl_batch()
