-- Merge the normalised orders of one batch into orders, idempotently.
-- reads:   incoming_orders (temp table built by the source's transforms, same columns as orders
--          minus id, source_hash, created_at, updated_at)
-- writes:  orders: inserts new business keys, updates a key whose content changed, leaves equal rows alone
-- grain:   one row per (cost_center, source_system, source_order_id)
-- returns: one row (inserted, updated, unchanged); the host records it in ingest_audit
with incoming as (
    select i.*, md5(i::text) as source_hash         -- every normalised column, the payload included
    from incoming_orders i
),

merged as (
    insert into orders as o (
        cost_center, source_system, source_store_code, source_order_id, source_invoice_no,
        order_datetime, order_date,
        customer_name, customer_mobile, customer_code,
        gross_amount, discount_amount, taxable_amount, tax_amount, net_amount,
        payment_mode_summary, payment_status, order_status,
        source_payload, source_hash)
    select
        cost_center, source_system, source_store_code, source_order_id, source_invoice_no,
        order_datetime, order_date,
        customer_name, customer_mobile, customer_code,
        gross_amount, discount_amount, taxable_amount, tax_amount, net_amount,
        payment_mode_summary, payment_status, order_status,
        source_payload, source_hash
    from incoming
    on conflict (cost_center, source_system, source_order_id) do update set
        source_store_code    = excluded.source_store_code,
        source_invoice_no    = excluded.source_invoice_no,
        order_datetime       = excluded.order_datetime,
        order_date           = excluded.order_date,
        customer_name        = excluded.customer_name,
        customer_mobile      = excluded.customer_mobile,
        customer_code        = excluded.customer_code,
        gross_amount         = excluded.gross_amount,
        discount_amount      = excluded.discount_amount,
        taxable_amount       = excluded.taxable_amount,
        tax_amount           = excluded.tax_amount,
        net_amount           = excluded.net_amount,
        payment_mode_summary = excluded.payment_mode_summary,
        payment_status       = excluded.payment_status,
        order_status         = excluded.order_status,
        source_payload       = excluded.source_payload,
        source_hash          = excluded.source_hash,
        updated_at           = now()
    where o.source_hash is distinct from excluded.source_hash
    returning (xmax = 0) as is_insert
)

select
    count(*) filter (where is_insert)                    as inserted,
    count(*) filter (where not is_insert)                as updated,
    (select count(*) from incoming) - count(*)           as unchanged
from merged;
