-- One row per deal whose account is loaded; a deal of an account not (yet) loaded is rejected with that reason when it
-- arrives, waits in crm_waiting_deals, and is placed by the pull that finds its account.
-- target:  deals
-- key:     deal_id
-- version: updated_at
select
    c.deal_id,
    c.deal_name,
    c.deal_size::integer                       as deal_size,
    c.probability_of_closure,
    c.deal_stage::crm_deal_stage               as deal_stage,
    c.account_id,
    c.created_at at time zone 'UTC'            as created_at,
    c.updated_at,
    c.payload                                  as source_payload,
    case when a.account_id is null then format('account %s is not loaded; the deal waits for it', c.account_id) end
                                               as reject_reason,
    'account_id'                               as reject_column,
    c.account_id::text                         as reject_value,
    c.source_row_number
from deal_candidates c
left join accounts a on a.account_id = c.account_id
-- a waiting deal still without its account stays waiting, not rejected again
where c.pulled or a.account_id is not null
