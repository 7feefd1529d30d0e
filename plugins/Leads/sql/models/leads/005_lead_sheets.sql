-- The batch's sheets, and per field of leads the sheet's columns that fill it (by lead_header_synonyms, the best
-- rank first). A header no synonym names is kept in the lead's source_payload.
with headers as (
    select b.source_sheet, b.sheet_position, h.header
    from batch b
    cross join lateral jsonb_array_elements_text(b.sheet_headers) as h(header)
    where b.sheet_headers is not null
)
select
    h.source_sheet,
    h.sheet_position,
    coalesce(array_agg(h.header order by s.rank, h.header) filter (where s.column_name = 'full_name' and not s.splits_age), '{}') as name_headers,
    coalesce(array_agg(h.header order by s.rank, h.header) filter (where s.column_name = 'full_name' and s.splits_age), '{}')     as name_age_headers,
    coalesce(array_agg(h.header order by s.rank, h.header) filter (where s.column_name = 'phone'), '{}')       as phone_headers,
    coalesce(array_agg(h.header order by s.rank, h.header) filter (where s.column_name = 'email'), '{}')       as email_headers,
    coalesce(array_agg(h.header order by s.rank, h.header) filter (where s.column_name = 'city'), '{}')        as city_headers,
    coalesce(array_agg(h.header order by s.rank, h.header) filter (where s.column_name = 'lead_date'), '{}')   as date_headers,
    coalesce(array_agg(h.header order by s.rank, h.header) filter (where s.column_name = 'status'), '{}')      as status_headers,
    coalesce(array_agg(h.header order by s.rank, h.header) filter (where s.column_name = 'lead_source'), '{}') as source_headers,
    coalesce(array_agg(h.header order by s.rank, h.header) filter (where s.column_name = 'lead_type'), '{}')   as type_headers,
    coalesce(array_agg(h.header order by s.rank, h.header) filter (where s.column_name = 'notes'), '{}')       as notes_headers,
    coalesce(array_agg(h.header order by s.rank, h.header) filter (where s.column_name = 'child_age'), '{}')   as age_headers,
    coalesce(array_agg(h.header) filter (where s.header is not null), '{}')                                    as mapped_headers
from headers h
left join lead_header_synonyms s on s.header = h.header
group by h.source_sheet, h.sheet_position
