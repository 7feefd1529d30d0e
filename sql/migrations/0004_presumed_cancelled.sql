-- The analysts' rule for orders the portal stopped listing (orders.source_missing_since, set by the order plugins'
-- 020_missing_orders models): unlisted for 7 days, an order counts as cancelled. Reports that must leave such orders
-- out join or filter on this view; change the rule with a later migration (create or replace view).
create view orders_presumed_cancelled as
select o.cost_center, o.source_system, o.source_order_id, o.order_date, o.net_amount,
       o.source_missing_since, o.source_missing_batch, now() - o.source_missing_since as unlisted_for
from orders o
where o.source_missing_batch is not null
  and o.source_missing_since < now() - interval '7 days';
