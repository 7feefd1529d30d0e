-- The appointments plugin's schema: its staging table (its own columns; the host adds the lineage) and its two tables.
create table stg_appt_bookings (
    booking            text,
    updated            timestamptz,
    client             text,
    stylist            text,
    price              numeric,
    status             text
);

create table appt_bookings (
    booking_id       text primary key,
    updated_at       timestamptz not null,
    client           text,
    stylist          text,
    price            numeric(10,2),
    status           text not null,
    load_batch_id    bigint,
    source_row_hash  text
);

create table appt_stylists (
    stylist        text primary key,
    bookings       bigint,
    takings        numeric(12,2),
    load_batch_id  bigint
);
