-- One row per account; region is one of the seed's (the plugin rejected any other); updated_at is the version.
-- target:  accounts
-- key:     account_id
-- version: updated_at
select
    b.account_id::integer     as account_id,
    b.account_name,
    b.industry,
    b.account_value::integer  as account_value,
    b.region::crm_region      as region,
    b.updated_at,
    b.payload                 as source_payload
from batch b
