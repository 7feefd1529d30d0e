-- A sheet with neither a name nor a phone column is not a list of leads (a summary, a pivot): it is passed over,
-- and named here so that someone adds its headers to lead_header_synonyms if it is one.
-- severity: warn
select s.source_sheet as sheet, 'no name or phone column: passed over' as why
from lead_sheets s
where cardinality(s.name_headers) + cardinality(s.name_age_headers) + cardinality(s.phone_headers) = 0
