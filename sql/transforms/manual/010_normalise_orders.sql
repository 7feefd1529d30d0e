-- Normalise hand-typed orders (plugins/Manual/template.csv) into the shape of orders.
-- reads:   stg_manual_orders (the current batch), orders (what each order holds now)
-- writes:  temp table incoming_orders (dropped at commit): the batch's orders that may change orders, normalised,
--          with their payload; temp view incoming_batch: how many orders the batch carries and the days they
--          span. orders/900_merge_orders.sql merges the first and reports the second.
-- grain:   one row per (cost_center, Order ID); the last row of an order in the file wins
-- params:  crm_etl_batch()           -- the host sets it; in psql: set crmetl.load_batch_id = <id>;
--          crm_etl_skip_unchanged()  -- the host sets it while the transforms are the ones orders were built with
-- note:    the store was looked up in cost_centers when the file was loaded; its cost center is on the row
create temp table incoming_orders on commit drop as
with source as (
    select s.*, o.id is null as is_new
    from stg_manual_orders s
    -- the order as orders has it, if it has it (one probe of orders' unique key)
    left join orders o on o.cost_center = s.cost_center and o.source_system = 'MANUAL' and o.source_order_id = s.order_id
    where s.load_batch_id = crm_etl_batch()
      -- an order listed twice in the file: its last row wins
      and not exists (
          select 1 from stg_manual_orders later
          where later.load_batch_id = s.load_batch_id
            and later.store_code = s.store_code
            and later.order_id = s.order_id
            and later.source_row_number > s.source_row_number)
      -- an order a later batch wrote is left to it (re-running an old batch never rolls it back), and an order
      -- already built from this very row needs nothing: its row is neither normalised nor turned into a payload
      -- (most rows of a scheduled run, which downloads the last days again)
      and (o.id is null
           or coalesce(o.load_batch_id, 0) <= s.load_batch_id
              and not (crm_etl_skip_unchanged() and o.source_row_hash is not distinct from s.row_hash))
),

final as (
    select
        -- identity
        s.cost_center,
        'MANUAL'                                          as source_system,
        s.store_code                                      as source_store_code,
        s.order_id                                        as source_order_id,
        s.invoice_no                                      as source_invoice_no,

        -- time (IST)
        s.order_date_time at time zone 'Asia/Kolkata'     as order_datetime,
        s.order_date_time::date                           as order_date,

        -- customer
        s.customer_name,
        normalise_mobile(s.customer_mobile)               as customer_mobile,
        s.customer_code,

        -- money
        s.gross_amount,
        s.discount                                        as discount_amount,
        s.taxable_amount,
        s.tax                                             as tax_amount,
        s.net_amount,

        -- status: one payment mode per order, carrying the whole net amount
        case when s.payment_mode is not null
             then jsonb_build_object(s.payment_mode, s.net_amount::numeric(12,2)) end as payment_mode_summary,
        s.payment_status,
        s.order_status,

        -- the raw row: every column of the file, plus columns added to it
        to_jsonb(report) || coalesce(s.extra_columns, '{}') as source_payload,

        -- lineage: the staged row this order is built from, and whether orders has the key yet (the merge inserts a
        -- new key without a conflict check)
        s.source_row_number,
        s.is_new,
        s.row_hash                                        as source_row_hash   -- stands for the payload in the merge's hash
    from source s
    cross join lateral (
        select s.order_id, s.invoice_no, s.order_date_time, s.customer_name, s.customer_mobile, s.customer_code,
               s.gross_amount, s.discount, s.taxable_amount, s.tax, s.net_amount, s.payment_mode, s.payment_status,
               s.order_status
    ) report
)

select * from final;

-- The batch as a whole, for ingest_audit: the orders it carries (changed or not) and the days they span.
create or replace temp view incoming_batch as
select
    count(distinct (s.cost_center, s.order_id))           as orders,
    min(s.order_date_time)::date                          as first_order_date,
    max(s.order_date_time)::date                          as last_order_date
from stg_manual_orders s
where s.load_batch_id = crm_etl_batch();
