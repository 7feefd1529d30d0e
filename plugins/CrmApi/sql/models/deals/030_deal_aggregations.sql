-- Per account and period the pull touched (day; week from Monday; month; UTC): the total size and count of the deals
-- created in it that have a size. A period left with no such deal loses its row.
-- target:      deal_aggregations
-- key:         account_id, aggregation_type, aggregation_date
-- materialize: rebuild
with periods as (
    select distinct t.account_id, p.aggregation_type, p.aggregation_date
    from touched_periods t
    cross join lateral (values
        ('daily',   t.day),
        ('weekly',  date_trunc('week', t.day)::date),
        ('monthly', date_trunc('month', t.day)::date)
    ) p (aggregation_type, aggregation_date)
)
select
    p.account_id,
    p.aggregation_type,
    p.aggregation_date,
    s.total_deal_size,
    s.deal_count
from periods p
left join lateral (
    select sum(d.deal_size)::float as total_deal_size, count(*)::integer as deal_count
    from deals d
    where d.account_id = p.account_id and d.deal_size is not null
      and d.created_at >= p.aggregation_date
      and d.created_at < p.aggregation_date + case p.aggregation_type when 'daily' then interval '1 day' when 'weekly' then interval '7 days' else interval '1 month' end
    having count(*) > 0
) s on true
