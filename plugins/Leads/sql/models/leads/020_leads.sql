-- One lead per mobile number. Of the rows repeating a number (in a sheet, across sheets, across imports) the first
-- row fills each field and later rows only fill blanks; a lead already held keeps every field it has, and what people
-- set (status, priority, owner, their notes) is never touched by an import: priority and owner are not selected here,
-- and status only starts a new lead. A row without a valid mobile is rejected with its sheet and row.
-- target:  leads
-- key:     phone
with firsts as (
    select
        r.phone,
        (array_agg(r.full_name) filter (where r.full_name is not null))[1]       as full_name,
        (array_agg(r.email) filter (where r.email is not null))[1]               as email,
        (array_agg(r.city) filter (where r.city is not null))[1]                 as city,
        (array_agg(r.child_age) filter (where r.child_age is not null))[1]       as child_age,
        (array_agg(r.lead_date) filter (where r.lead_date is not null))[1]       as lead_date,
        (array_agg(r.lead_source) filter (where r.lead_source is not null))[1]   as lead_source,
        (array_agg(r.lead_type) filter (where r.lead_type is not null))[1]       as lead_type,
        (array_agg(r.notes) filter (where r.notes is not null))[1]               as notes,
        (array_agg(r.cleaning_notes) filter (where r.cleaning_notes is not null))[1] as cleaning_notes,
        (array_agg(r.status) filter (where r.status is not null))[1]             as status,
        (array_agg(r.source_payload) filter (where r.source_payload is not null))[1] as source_payload,
        (array_agg(r.source_file))[1]                                           as source_file,
        (array_agg(r.source_sheet))[1]                                          as source_sheet,
        (array_agg(r.source_row_number))[1]                                     as source_row
    -- the rows in file order, so that each aggregate sees a phone's rows first to last (one sort, not one per field)
    from (select * from lead_rows where phone is not null order by phone, sheet_position, source_row_number offset 0) r
    group by r.phone
)
select
    f.phone,
    coalesce(l.full_name, f.full_name)                          as full_name,
    coalesce(l.email, f.email)                                  as email,
    coalesce(l.city, f.city)                                    as city,
    coalesce(l.child_age, f.child_age)                          as child_age,
    coalesce(l.lead_date, f.lead_date)                          as lead_date,
    coalesce(l.lead_source, f.lead_source)                      as lead_source,
    coalesce(l.lead_type, f.lead_type)                          as lead_type,
    coalesce(l.notes, f.notes)                                  as notes,
    coalesce(l.cleaning_notes, f.cleaning_notes)                as cleaning_notes,
    coalesce(l.status, f.status, 'New Lead')                    as status,
    coalesce(l.status_changed_at, now())                        as status_changed_at,
    -- a new lead is due its status's days after today (IST)
    coalesce(l.next_follow_up, (now() at time zone 'Asia/Kolkata')::date + s.follow_up_days) as next_follow_up,
    coalesce(l.source_file, f.source_file)                      as source_file,
    coalesce(l.source_sheet, f.source_sheet)                    as source_sheet,
    coalesce(l.source_row, f.source_row)                        as source_row,
    coalesce(l.source_payload, f.source_payload)                as source_payload,
    null::text                                                  as reject_reason,
    null::text                                                  as reject_column,
    null::text                                                  as reject_value,
    null::bigint                                                as source_row_number
from firsts f
left join leads l on l.phone = f.phone
left join lead_statuses s on s.status = coalesce(l.status, f.status, 'New Lead')
union all
select
    null, null, null, null, null, null, null, null, null, null, null, null, null, null,
    r.source_sheet, null, null,
    'no valid phone', r.phone_header, r.phone_raw, r.source_row_number
from lead_rows r
where r.phone is null
