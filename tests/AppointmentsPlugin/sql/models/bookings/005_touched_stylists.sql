-- The stylists this batch touches: of its bookings, the stylist each has now and the one it had (read before the
-- bookings are written, which is why this model comes first).
select b.stylist from batch b where b.stylist is not null
union
select a.stylist from appt_bookings a join batch b on b.booking = a.booking_id where a.stylist is not null
