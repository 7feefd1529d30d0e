-- An order's net amount is its taxable amount plus its tax (to the rupee: portals round).
-- severity: warn
select o.cost_center, o.source_system, o.source_order_id, o.taxable_amount, o.tax_amount, o.net_amount
from orders o
where o.load_batch_id = crm_etl_batch()
  and o.taxable_amount is not null and o.tax_amount is not null and o.net_amount is not null
  and abs(o.taxable_amount + o.tax_amount - o.net_amount) > 1
