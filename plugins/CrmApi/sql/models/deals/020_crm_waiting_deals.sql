-- The deals still waiting for their account; one whose account came is no longer waiting (all null: deleted).
-- target:      crm_waiting_deals
-- key:         deal_id
-- materialize: rebuild
select
    c.deal_id,
    w.deal_name, w.deal_size, w.probability_of_closure, w.deal_stage, w.account_id, w.created_at, w.updated_at, w.payload
from deal_candidates c
left join lateral (
    select c.deal_name, c.deal_size, c.probability_of_closure, c.deal_stage, c.account_id, c.created_at, c.updated_at, c.payload
    where not exists (select 1 from accounts a where a.account_id = c.account_id)
) w on true
