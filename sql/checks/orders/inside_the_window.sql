-- An order of a report is dated inside the days the report covers (its From..To). One outside is kept, and shown
-- here: a report asked for one day that lists an order of another is worth a look.
-- severity: warn
select o.cost_center, o.source_system, o.source_order_id, o.order_date, crm_etl_window_from() as window_from, crm_etl_window_to() as window_to
from orders o
where o.load_batch_id = crm_etl_batch()
  and crm_etl_window_from() is not null and crm_etl_window_to() is not null
  and o.order_date not between crm_etl_window_from() and crm_etl_window_to()
