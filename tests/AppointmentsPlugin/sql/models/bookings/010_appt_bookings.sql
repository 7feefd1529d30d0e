-- A booking per row; of two rows of a booking the later Updated wins, and an older export changes nothing.
-- target:  appt_bookings
-- key:     booking_id
-- version: updated_at
select
    b.booking                                       as booking_id,
    b.updated                                       as updated_at,
    initcap(b.client)                               as client,
    b.stylist,
    b.price,
    lower(b.status)                                 as status,
    b.row_hash                                      as source_row_hash,
    -- rows it cannot take: a status it does not know
    case when lower(b.status) not in ('booked', 'done', 'cancelled')
         then 'status must be booked, done or cancelled' end as reject_reason,
    'Status'                                        as reject_column,
    b.status                                        as reject_value,
    b.source_row_number
from batch b
