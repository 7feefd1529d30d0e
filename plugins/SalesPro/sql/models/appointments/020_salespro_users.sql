-- The sales reps of the batch's appointments, from every appointment held: the name they last had, their first and
-- latest appointment, how many appointments and sales. A rep whose appointments all moved to another keeps their row.
-- target:  salespro_users
-- key:     email
select
    a.salesrep_email                                                                           as email,
    (array_agg(a.salesrep_first_name order by a.updated_at desc) filter (where a.salesrep_first_name is not null))[1] as first_name,
    (array_agg(a.salesrep_last_name order by a.updated_at desc) filter (where a.salesrep_last_name is not null))[1]   as last_name,
    min(a.created_at)                                                                          as first_seen_at,
    max(a.updated_at)                                                                          as last_seen_at,
    count(*)                                                                                   as appointments,
    count(*) filter (where a.is_sale)                                                          as sales
from salespro_appointment a
where a.salesrep_email in (select distinct lower(btrim(b.salesrep_email)) from batch b where b.salesrep_email is not null)
group by a.salesrep_email
