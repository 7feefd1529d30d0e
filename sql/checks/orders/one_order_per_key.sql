-- One sale is one order: an order number of a store that came from another source too (a CRM's order also typed in
-- by hand) would be counted twice in the sales. Each order is looked up under the other sources of its store.
-- severity: warn
-- (The batch's orders that have another source at all are found first, fenced by offset 0: planned together, a
-- batch the statistics do not know yet made the planner walk all of orders for each of its rows.)
select x.cost_center, x.source_order_id, x.source_system, other.source_system as also_from
from (
    select o.cost_center, o.source_order_id, o.source_system, cc.source_system as other_system
    from orders o
    join cost_centers cc on cc.cost_center = o.cost_center and cc.source_system <> o.source_system
    where o.load_batch_id = crm_etl_batch()
    offset 0
) x
join orders other on other.cost_center = x.cost_center and other.source_system = x.other_system
                 and other.source_order_id = x.source_order_id
