-- Per stylist the batch touched: their bookings (not cancelled) and takings, from every booking held; a stylist left
-- with none loses their row.
-- target:      appt_stylists
-- key:         stylist
-- materialize: rebuild
select t.stylist, s.bookings, s.takings
from touched_stylists t
left join (
    select stylist, count(*) as bookings, sum(price) as takings
    from appt_bookings where status <> 'cancelled'
    group by stylist
) s on s.stylist = t.stylist
