-- The appointments plugin's schema: its staging table (with the lineage every staging table has) and its two tables.
create table stg_appt_bookings (
    booking            text,
    updated            timestamptz,
    client             text,
    stylist            text,
    price              numeric,
    status             text,
    source_system      text not null,
    store_code         text,
    cost_center        text,
    file_md5           text,
    load_batch_id      bigint not null,
    source_sheet       text,
    source_row_number  bigint not null,
    extra_columns      jsonb,
    row_hash           text
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
