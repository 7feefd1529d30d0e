-- The orders that had payments inside a complete file's window before this load: a payment the file no longer
-- lists is removed by the next model, and these orders' summaries are worked out again after it.
select distinct p.cost_center, p.source_order_id
from order_payments p
join cost_centers cc on cc.cost_center = p.cost_center and cc.crm = 'td' and cc.store_code = crm_etl_store()
where crm_etl_complete_file()
  and p.payment_date between crm_etl_window_from() and crm_etl_window_to()
