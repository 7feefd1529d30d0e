-- One row per contact; lead_source is one of the seed's (the plugin rejected any other).
-- target:  contacts
-- key:     contact_id
-- version: updated_at
select
    b.contact_id,
    b.first_name,
    b.last_name,
    lower(b.email)                      as email,
    b.job_title,
    b.lead_source::crm_lead_source      as lead_source,
    b.last_contact_date::date           as last_contact_date,
    b.updated_at,
    b.payload                           as source_payload
from batch b
