-- The deals to place: this pull's, and those that waited for their account (unless this pull brought them again).
select b.deal_id::integer as deal_id, b.deal_name, b.deal_size, b.probability_of_closure, b.deal_stage,
       b.account_id::integer as account_id, b.created_at, b.updated_at, b.payload, true as pulled, b.source_row_number
from batch b
union all
select w.deal_id, w.deal_name, w.deal_size, w.probability_of_closure, w.deal_stage,
       w.account_id, w.created_at, w.updated_at, w.payload, false, null
from crm_waiting_deals w
where not exists (select 1 from batch b where b.deal_id = w.deal_id)
