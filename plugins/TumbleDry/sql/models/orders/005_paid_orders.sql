-- The batch's orders whose payments came first (the Sales & Delivery report of a later day can be loaded before
-- the Order Report): what their payments say, for the orders model to attach.
select b.store_code, b.order_no, pay.payment_mode_summary, pay.paid, pay.last_balance
from batch b
join cost_centers cc on cc.crm = 'td' and cc.store_code = b.store_code
cross join lateral td_order_payments(cc.cost_center, b.order_no) pay
where exists (select 1 from order_payments p where p.cost_center = cc.cost_center and p.source_order_id = b.order_no)
