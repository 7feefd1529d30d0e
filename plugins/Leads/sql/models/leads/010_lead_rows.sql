-- Each workbook row read through its sheet's headers and cleaned, one row per row; rows of a sheet with neither a
-- name nor a phone column are left out (the check sheet_without_name_or_phone names the sheet). The rules:
-- - phone: the 10-digit Indian mobile (normalise_mobile: +91, a leading 0, spaces, dashes; a number cell's ".0"
--   dropped first); one that does not start 6-9 is not a mobile;
-- - email: trimmed, lower case; one that is not name@domain.tld is set aside with a note;
-- - names: trimmed, white space folded, title case; under "child name and age", "Emma (8 years)" or "Emma - 8"
--   gives the name Emma and the child's age 8;
-- - dates day first: 12/11/2025, 12-11-25, 12.11.2025, 2025-11-12, a date cell, a Google Forms timestamp
--   "12/11/2025 10:32:05", an Excel day number; one that is no date is set aside with a note;
-- - status: one of lead_statuses (any case); another answer ("not picking up") is kept in the notes.
-- (offset 0 keeps each step's values computed once a row: without it, PostgreSQL writes each regular expression
-- into every place its result is used, and runs it a dozen times a row.)
with picked as (
    -- a field's value: the first of the sheet's columns for it that is not blank in this row
    select
        b.source_file, b.source_sheet, b.source_row_number, b.sheet_position, b.cells, s.mapped_headers,
        coalesce(b.cells ->> s.phone_headers[1], b.cells ->> s.phone_headers[2], b.cells ->> s.phone_headers[3]) as phone_raw,
        coalesce(case when b.cells ? s.phone_headers[1] then s.phone_headers[1] end,
                 case when b.cells ? s.phone_headers[2] then s.phone_headers[2] end, s.phone_headers[1]) as phone_header,
        coalesce(b.cells ->> s.name_headers[1], b.cells ->> s.name_headers[2], b.cells ->> s.name_headers[3]) as name_raw,
        coalesce(b.cells ->> s.name_age_headers[1], b.cells ->> s.name_age_headers[2]) as name_age_raw,
        coalesce(b.cells ->> s.email_headers[1], b.cells ->> s.email_headers[2]) as email_raw,
        coalesce(b.cells ->> s.city_headers[1], b.cells ->> s.city_headers[2]) as city_raw,
        coalesce(b.cells ->> s.date_headers[1], b.cells ->> s.date_headers[2]) as date_raw,
        coalesce(b.cells ->> s.status_headers[1], b.cells ->> s.status_headers[2]) as status_raw,
        coalesce(b.cells ->> s.source_headers[1], b.cells ->> s.source_headers[2]) as source_raw,
        coalesce(b.cells ->> s.type_headers[1], b.cells ->> s.type_headers[2]) as type_raw,
        coalesce(b.cells ->> s.notes_headers[1], b.cells ->> s.notes_headers[2]) as notes_raw,
        b.cells ->> s.age_headers[1] as age_raw
    from batch b
    join lead_sheets s on s.source_sheet = b.source_sheet
    where cardinality(s.name_headers) + cardinality(s.name_age_headers) + cardinality(s.phone_headers) > 0
)
select
    p.source_file,
    p.source_sheet,
    p.source_row_number,
    p.sheet_position,
    p.phone_raw,
    p.phone_header,
    case when m.mobile ~ '^[6-9]' then m.mobile end                                          as phone,
    initcap(regexp_replace(btrim(coalesce(nullif(btrim(p.name_raw), ''), c.name)), '\s+', ' ', 'g')) as full_name,
    coalesce(c.age, case when btrim(p.age_raw) ~ '^\d{1,2}(\.0+)?$' then btrim(p.age_raw)::numeric::int end) as child_age,
    case when e.valid then e.email end                                                         as email,
    initcap(nullif(regexp_replace(btrim(p.city_raw), '\s+', ' ', 'g'), ''))                   as city,
    d.day                                                                                      as lead_date,
    st.status,
    nullif(regexp_replace(btrim(p.source_raw), '\s+', ' ', 'g'), '')                          as lead_source,
    nullif(regexp_replace(btrim(p.type_raw), '\s+', ' ', 'g'), '')                            as lead_type,
    nullif(concat_ws('; ', nullif(btrim(p.notes_raw), ''),
                     case when st.status is null and nullif(btrim(p.status_raw), '') is not null then 'response: ' || btrim(p.status_raw) end), '') as notes,
    nullif(concat_ws('; ',
        case when not e.valid then format('invalid email %L', btrim(p.email_raw)) end,
        case when nullif(btrim(p.date_raw), '') is not null and d.day is null then format('unreadable date %L', btrim(p.date_raw)) end), '') as cleaning_notes,
    nullif(p.cells - p.mapped_headers, '{}'::jsonb)                                            as source_payload
from picked p
cross join lateral (select normalise_mobile(regexp_replace(btrim(p.phone_raw), '\.0+$', '')) as mobile offset 0) m
cross join lateral (
    select x.email, x.email ~ '^[a-z0-9._%+''-]+@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}$' as valid
    from (select nullif(lower(btrim(p.email_raw)), '') as email) x
    offset 0
) e
-- "Emma (8 years)", "Emma - 8", "Emma, 8 yrs": the name and the age; a name without an age is the name
cross join lateral (
    select coalesce(x[1], p.name_age_raw) as name, case when x[2]::int between 1 and 99 then x[2]::int end as age
    from (select regexp_match(btrim(p.name_age_raw), '^(.*?\S)[\s,(:–-]*(\d{1,2})\s*(?:years?|yrs?|yr|y)?\s*(?:old)?\s*\)?\.?$', 'i') as x offset 0) a
) c
cross join lateral (
    select case
        when y between 1900 and 2100 and mo between 1 and 12
            then case when dd between 1 and extract(day from make_date(y, mo, 1) + interval '1 month - 1 day') then make_date(y, mo, dd) end
        when serial between 20000 and 80000 then date '1899-12-30' + serial
    end as day
    from (
        -- one expression for both orders: yyyy-mm-dd (groups 1-3) or dd/mm/yy[yy] (groups 4-6), a time after either
        select coalesce(m[1]::int, case when length(m[6]) = 2 then 2000 + m[6]::int else m[6]::int end) as y,
               coalesce(m[2], m[5])::int as mo,
               coalesce(m[3], m[4])::int as dd,
               case when btrim(p.date_raw) ~ '^\d{5}(\.\d+)?$' then floor(btrim(p.date_raw)::numeric)::int end as serial
        from (select regexp_match(btrim(p.date_raw),
                     '^(?:(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})|(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2}))(?:[ ,T].*)?$') as m offset 0) parts
        offset 0
    ) ymd
) d
-- the statuses as one array, looked up a row: a join's plan sorts every row by its answer
cross join (select array_agg(status) as names, array_agg(lower(status)) as keys from lead_statuses) ls
cross join lateral (select ls.names[array_position(ls.keys, lower(btrim(p.status_raw)))] as status offset 0) st
