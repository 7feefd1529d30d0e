-- Normalise TumbleDry Order Report rows into the shape of orders.
-- reads:   stg_td_order_report (the current batch), cost_centers, orders (what each order holds now)
-- writes:  temp table incoming_orders (dropped at commit): the batch's orders that may change orders, normalised,
--          with their payload; temp view incoming_batch: how many orders the batch carries and the days they
--          span. orders/900_merge_orders.sql merges the first and reports the second.
-- grain:   one row per (cost_center, order number); the last row of an order in the file wins
-- params:  crm_etl_batch()           -- the host sets it; in psql: set crmetl.load_batch_id = <id>;
--          crm_etl_skip_unchanged()  -- the host sets it while the transforms are the ones orders were built with
create temp table incoming_orders on commit drop as
with source as (
    select s.*, cc.cost_center as mapped_cost_center, o.id is null as is_new
    from stg_td_order_report s
    join cost_centers cc on cc.crm = 'td' and cc.store_code = s.store_code
    -- the order as orders has it, if it has it: looked up by the whole key from the row (its cost center, stamped
    -- from the same stores as cost_centers), one probe of orders' unique key
    left join orders o on o.cost_center = s.cost_center and o.source_system = 'TD' and o.source_order_id = s.order_no
    where s.load_batch_id = crm_etl_batch()
      -- an order listed twice in the file: its last row wins
      and not exists (
          select 1 from stg_td_order_report later
          where later.load_batch_id = s.load_batch_id
            and later.store_code = s.store_code
            and later.order_no = s.order_no
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
        s.mapped_cost_center                              as cost_center,
        'TD'                                              as source_system,
        s.store_code                                      as source_store_code,
        s.order_no                                        as source_order_id,
        null::text                                        as source_invoice_no,   -- the Order Report has none

        -- time: the portal shows IST wall-clock times
        s.order_date_time at time zone 'Asia/Kolkata'     as order_datetime,
        s.order_date_time::date                           as order_date,

        -- customer
        s.name                                            as customer_name,
        normalise_mobile(s.phone)                         as customer_mobile,
        s.customer_code,

        -- money (blank cells arrive as 0)
        s.gross_amount,
        s.discount                                        as discount_amount,
        s.gross_amount - s.discount                       as taxable_amount,
        s.tax                                             as tax_amount,
        s.net_amount,

        -- status: payment modes come with the Sales & Delivery report, not this one
        null::jsonb                                       as payment_mode_summary,
        case
            when s.balance <= 0 then 'Paid'
            when s.paid > 0 or s.advance > 0 then 'Partially Paid'
            else 'Pending'
        end                                               as payment_status,
        case lower(s.order_status)                        -- staged text is trimmed, its white space folded
            when 'pending'    then 'Pending'
            when 'in process' then 'In Process'
            when 'inprocess'  then 'In Process'
            when 'in-process' then 'In Process'
            when 'ready'      then 'Ready'
            when 'delivered'  then 'Delivered'
            when 'cancelled'  then 'Cancelled'
            when 'canceled'   then 'Cancelled'
            else trim(s.order_status)                     -- unknown statuses are kept as written
        end                                               as order_status,

        -- the raw row: every report column, plus columns the portal added
        to_jsonb(report) || coalesce(s.extra_columns, '{}') as source_payload,

        -- lineage: the staged row this order is built from, and whether orders has the key yet (the merge inserts a
        -- new key without a conflict check)
        s.source_row_number,
        s.is_new,
        s.row_hash                                        as source_row_hash   -- stands for the payload in the merge's hash
    from source s
    cross join lateral (
        select s.order_date_time, s.order_no, s.customer_code, s.name, s.address, s.phone, s.preference,
               s.due_date, s.last_activity, s.pcs, s.weight, s.gross_amount, s.discount, s.tax, s.net_amount,
               s.advance, s.paid, s.adjustment, s.balance, s.advance_received, s.advance_used, s.booked_by,
               s.workshop_note, s.order_note, s.home_delivery, s.area_location, s.garments_inspected_by,
               s.customer_gstin, s.registration_source, s.order_from_pos, s.package, s.package_type,
               s.package_name, s.feedback, s.tags, s.comment, s.primary_services, s.top_up_extra_service,
               s.order_status, s.last_payment_activity, s.package_payment_info, s.coupon_code
    ) report
)

select * from final;

-- The batch as a whole, for ingest_audit: the orders it carries (changed or not) and the days they span.
create or replace temp view incoming_batch as
select
    count(distinct s.order_no)                            as orders,
    min(s.order_date_time)::date                          as first_order_date,
    max(s.order_date_time)::date                          as last_order_date
from stg_td_order_report s
where s.load_batch_id = crm_etl_batch();
