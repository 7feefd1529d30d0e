-- The accounts and creation days the placed deals touch, as they are now and as they were (read before the deals
-- are written, which is why this model comes first): the aggregations rebuilt for them.
select c.account_id, (c.created_at at time zone 'UTC')::date as day
from deal_candidates c
where exists (select 1 from accounts a where a.account_id = c.account_id)
union
select d.account_id, d.created_at::date
from deals d join deal_candidates c on c.deal_id = d.deal_id
