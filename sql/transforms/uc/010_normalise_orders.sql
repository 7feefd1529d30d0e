-- Normalise UClean GST report rows into the shape of orders.
-- reads:   stg_uc_gst_report (the current batch), cost_centers, orders (what each order holds now)
-- writes:  temp table incoming_orders (dropped at commit): the batch's orders that may change orders, normalised,
--          with their payload; temp view incoming_batch: how many orders the batch carries and the days they
--          span. orders/900_merge_orders.sql merges the first and reports the second.
-- grain:   one row per (cost_center, Booking ID); the last row of a booking in the file wins
-- params:  crm_etl_batch()           -- the host sets it; in psql: set crmetl.load_batch_id = <id>;
--          crm_etl_skip_unchanged()  -- the host sets it while the transforms are the ones orders were built with
create temp table incoming_orders on commit drop as
with source as (
    select s.*, cc.cost_center as mapped_cost_center, o.id is null as is_new
    from stg_uc_gst_report s
    join cost_centers cc on cc.crm = 'uc' and cc.store_code = s.store_code
    -- the booking as orders has it, if it has it: looked up by the whole key from the row (its cost center, stamped
    -- from the same stores as cost_centers), one probe of orders' unique key
    left join orders o on o.cost_center = s.cost_center and o.source_system = 'UC' and o.source_order_id = s.booking_id
    where s.load_batch_id = crm_etl_batch()
      -- a booking listed twice in the file: its last row wins
      and not exists (
          select 1 from stg_uc_gst_report later
          where later.load_batch_id = s.load_batch_id
            and later.store_code = s.store_code
            and later.booking_id = s.booking_id
            and later.source_row_number > s.source_row_number)
      -- a booking a later batch wrote is left to it (re-running an old batch never rolls it back), and a booking
      -- already built from this very row needs nothing: its row is neither normalised nor turned into a payload
      -- (most rows of a scheduled run, which downloads the last days again)
      and (o.id is null
           or coalesce(o.load_batch_id, 0) <= s.load_batch_id
              and not (crm_etl_skip_unchanged() and o.source_row_hash is not distinct from s.row_hash))
),

final as (
    select
        -- identity: Booking ID is the order, Invoice No. its bill
        s.mapped_cost_center                              as cost_center,
        'UC'                                              as source_system,
        s.store_code                                      as source_store_code,
        s.booking_id                                      as source_order_id,
        s.invoice_no                                      as source_invoice_no,

        -- time: Invoice Date, IST, day first in the file
        s.invoice_date at time zone 'Asia/Kolkata'        as order_datetime,
        s.invoice_date::date                              as order_date,

        -- customer
        s.customer_name,
        normalise_mobile(s.customer_ph_no)                as customer_mobile,
        null::text                                        as customer_code,

        -- money: the GST report has no gross or discount, only the taxable value and its GST
        null::numeric                                     as gross_amount,
        null::numeric                                     as discount_amount,
        s.taxable_value                                   as taxable_amount,
        s.cgst + s.sgst                                   as tax_amount,
        s.total_invoice_value                             as net_amount,

        -- status
        null::jsonb                                       as payment_mode_summary,
        case lower(s.payment_status)                      -- staged text is trimmed, its white space folded
            when 'paid'           then 'Paid'
            when 'pending'        then 'Pending'
            when 'unpaid'         then 'Pending'
            when 'partially paid' then 'Partially Paid'
            when 'partial'        then 'Partially Paid'
            else trim(s.payment_status)
        end                                               as payment_status,
        null::text                                        as order_status,

        -- the raw row: every report column but S.No., plus columns the portal added. S.No. is only the row's
        -- position in the file, so it is left out, as it is from the row hash (plugins/UClean/GstReportLayout.cs):
        -- otherwise adding an earlier invoice would renumber, and update, every order after it.
        to_jsonb(report) || coalesce(s.extra_columns, '{}') as source_payload,

        -- lineage: the staged row this order is built from, and whether orders has the key yet (the merge inserts a
        -- new key without a conflict check)
        s.source_row_number,
        s.is_new,
        s.row_hash                                        as source_row_hash   -- stands for the payload in the merge's hash
    from source s
    cross join lateral (
        select s.booking_id, s.invoice_no, s.invoice_date, s.customer_name, s.customer_ph_no, s.payment_status,
               s.customer_gstin, s.place_of_supply, s.taxable_value, s.cgst, s.sgst, s.total_invoice_value
    ) report
)

select * from final;

-- The batch as a whole, for ingest_audit: the bookings it carries (changed or not) and the days they span.
create or replace temp view incoming_batch as
select
    count(distinct s.booking_id)                          as orders,
    min(s.invoice_date)::date                             as first_order_date,
    max(s.invoice_date)::date                             as last_order_date
from stg_uc_gst_report s
where s.load_batch_id = crm_etl_batch();
