-- One row per appointment. Of two rows of an _id in a file the later _updated_at wins (the later row on a tie), and
-- an older export changes nothing: the host compares updated_at, the version.
-- target:  salespro_appointment
-- key:     appointment_id
-- version: updated_at
select
    b.id                                        as appointment_id,
    b.created_at,
    b.updated_at,
    coalesce(b.is_sale, false)                  as is_sale,     -- blank is false
    b.result_full_string,
    nullif(btrim(b.customer_first_name), '')    as customer_first_name,
    nullif(btrim(b.customer_last_name), '')     as customer_last_name,
    nullif(btrim(b.customer_estimate_name), '') as customer_estimate_name,
    lower(nullif(btrim(b.salesrep_email), ''))  as salesrep_email,
    nullif(btrim(b.salesrep_first_name), '')    as salesrep_first_name,
    nullif(btrim(b.salesrep_last_name), '')     as salesrep_last_name,
    b.sale_amount,
    jsonb_strip_nulls(jsonb_build_object(
        '_id', b.id, '_created_at', b.created_at, '_updated_at', b.updated_at, 'isSale', b.is_sale,
        'resultFullString', b.result_full_string,
        'customer.nameLast', b.customer_last_name, 'customer.nameFirst', b.customer_first_name,
        'customer.estimateName', b.customer_estimate_name,
        'salesrep.email', b.salesrep_email, 'salesrep.nameFirst', b.salesrep_first_name,
        'salesrep.nameLast', b.salesrep_last_name, 'saleAmount', b.sale_amount))
        || coalesce(b.extra_columns, '{}'::jsonb)  as source_payload,
    b.row_hash                                  as source_row_hash,
    -- an amount numeric(12,2) cannot hold is a misread cell, not a sale
    case when abs(b.sale_amount) >= 10000000000 then 'saleAmount is larger than any sale (at most 9,999,999,999.99)' end
                                                as reject_reason,
    'saleAmount'                                as reject_column,
    b.sale_amount::text                         as reject_value,
    b.source_row_number
from batch b
